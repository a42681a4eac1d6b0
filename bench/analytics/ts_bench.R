# R side of bench/analytics/ts.sh: reads the same files and runs
# surveillance::earsC (C3, R's defaults) or surveillance::cusum (defaults,
# range 53:n) on each; prints the seconds spent reading and computing, then
# writes series,t,upperbound,alarm.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]; dir <- args[2]; count <- as.integer(args[3]); out <- args[4]
res <- vector("list", count)
t0 <- proc.time()[["elapsed"]]
for (i in 1:count) {
  d <- read.csv(file.path(dir, sprintf("s%04d.csv", i)))
  s <- sts(observed = d$count, frequency = 52)
  r <- if (mode == "cusum") cusum(s, control = list(range = 53:nrow(d)))
       else earsC(s, control = list(method = "C3"))
  res[[i]] <- list(ub = upperbound(r)[, 1], al = alarms(r)[, 1], t = r@epoch)
}
cat(sprintf("%.6f\n", proc.time()[["elapsed"]] - t0))
lines <- unlist(lapply(seq_len(count), function(i) {
  ub <- res[[i]]$ub
  from <- if (mode == "cusum") 53 else 12
  paste(i, seq(from, length.out = length(ub)), ifelse(is.na(ub), "NA", sprintf("%.17g", ub)),
        ifelse(is.na(res[[i]]$al), "NA", as.integer(res[[i]]$al)), sep = ",")
}))
writeLines(c("series,t,upperbound,alarm", lines), out)
