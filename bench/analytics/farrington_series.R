# Input of bench/analytics/farrington.sh: 50 seeded weekly series of 520
# weeks (seasonal Poisson, trends, outbreaks, low counts, overdispersed).
# Usage: Rscript farrington_series.R OUT_CSV
args <- commandArgs(trailingOnly = TRUE)
set.seed(52052)
t <- 1:520
season <- 2 * pi * t / 52
one <- function(i) {
  level <- runif(1, -0.5, 3.5)
  amp <- runif(1, 0, 0.9)
  slope <- sample(c(0, 0, runif(1, -0.002, 0.004)), 1)
  mu <- exp(level + amp * cos(season + runif(1, 0, 2 * pi)) + slope * (t - 260))
  y <- if (i %% 3 == 0) rnbinom(520, size = 2, mu = mu) else rpois(520, mu)
  for (s in sample(300:510, 3)) {
    idx <- s:(s + 2)
    y[idx] <- y[idx] + rpois(3, 3 * mean(mu) + 5)
  }
  data.frame(series = i, week = t, count = y)
}
write.csv(do.call(rbind, lapply(1:50, one)), args[1], row.names = FALSE, quote = FALSE)
