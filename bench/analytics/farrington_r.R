# R side of bench/analytics/farrington.sh: times farringtonFlexible with
# default options on the last 104 weeks of every series in series.csv and
# writes its results in the layout of farrington_bench.c.
# Usage: Rscript farrington_r.R SERIES_CSV OUT_CSV
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
ids <- unique(d$series)
stss <- lapply(ids, function(s)
  sts(observed = d$count[d$series == s], frequency = 52, start = c(2000, 1)))
results <- vector("list", length(ids))
elapsed <- system.time(
  for (i in seq_along(ids))
    results[[i]] <- suppressWarnings(
      farringtonFlexible(stss[[i]], control = list(range = 417:520)))
)[["elapsed"]]
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
rows <- do.call(rbind, lapply(seq_along(ids), function(i) {
  r <- results[[i]]
  al <- as.integer(alarms(r)[, 1])
  data.frame(series = i, week = 417:520,
             upperbound = fmt(upperbound(r)[, 1]),
             expected = fmt(r@control$expected[, 1]),
             alarm = ifelse(is.na(al), 0L, al))
}))
write.csv(rows, args[2], row.names = FALSE, quote = FALSE)
cat(sprintf("%.6f\n", elapsed))
