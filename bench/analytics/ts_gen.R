# Writes COUNT seeded weekly series of 520 counts as DIR/s0001.csv ...
# (columns period,count): seasonal Poisson at varied levels, some with an
# outbreak, some with long runs of zeros.
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; count <- as.integer(args[2])
set.seed(20240612)
n <- 520; t <- 1:n
period <- sprintf("%d-W%02d", 2010 + (t - 1) %/% 52, (t - 1) %% 52 + 1)
for (i in 1:count) {
  level <- exp(runif(1, log(0.3), log(80)))
  mu <- level * (1 + runif(1, 0, 0.6) * sin(2 * pi * t / 52 + runif(1, 0, 2 * pi)))
  x <- rpois(n, mu)
  if (runif(1) < 0.3) { s <- sample(60:500, 1); x[s:(s + 5)] <- x[s:(s + 5)] + rpois(6, 3 * level + 3) }
  writeLines(c("period,count", paste(period, x, sep = ",")), file.path(dir, sprintf("s%04d.csv", i)))
}
