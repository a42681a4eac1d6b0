# Reference vectors for tests/unit/analytics/test_farrington.c.
# Run from the repository root:
#   Rscript tests/unit/analytics/ref/make_farrington_vectors.R
# Writes farrington_series.csv (inputs) and farrington_ref.csv (R's results)
# beside this script. Seeded: the output is the same on every run of the same
# R and surveillance versions.
suppressPackageStartupMessages(library(surveillance))

out_dir <- "tests/unit/analytics/ref"
n_weeks <- 520
range_eval <- 417:520 # the last 104 weeks, 1-based
t <- seq_len(n_weeks)
season <- 2 * pi * t / 52

set.seed(20240611)
series <- list(
  seasonal = rpois(n_weeks, exp(2.5 + 0.6 * cos(season) + 0.3 * sin(season))),
  trend = rpois(n_weeks, exp(1.5 + 0.002 * t + 0.4 * sin(season))),
  outbreaks = local({
    y <- rpois(n_weeks, exp(2 + 0.5 * cos(season)))
    for (s in c(300, 380, 430, 470, 500)) {
      idx <- s:(s + 3)
      y[idx] <- y[idx] + rpois(4, 25)
    }
    y
  }),
  low = rpois(n_weeks, exp(-0.5 + 0.8 * cos(season))),
  negbin = rnbinom(n_weeks, size = 1.5, mu = exp(2.2 + 0.5 * sin(season))),
  steep = rpois(n_weeks, exp(0.5 + 0.006 * t + 0.3 * cos(season)))
)

# Each option set is named; test_farrington.c has the same table.
optsets <- list(
  defaults = list(),
  noreweight = list(reweight = FALSE),
  notrend = list(trend = FALSE),
  pow12 = list(powertrans = "1/2"),
  pownone = list(powertrans = "none"),
  periods10 = list(noPeriods = 10),
  past26 = list(pastWeeksNotIncluded = 26),
  nbplugin = list(thresholdMethod = "nbPlugin"),
  muan = list(thresholdMethod = "muan"),
  alpha01 = list(alpha = 0.01),
  b3w2 = list(b = 3, w = 2),
  periods4past0 = list(noPeriods = 4, pastWeeksNotIncluded = 0),
  periods10muan = list(noPeriods = 10, thresholdMethod = "muan")
)

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

inputs <- do.call(rbind, lapply(names(series), function(s)
  data.frame(series = s, week = t, count = series[[s]])))
write.csv(inputs, file.path(out_dir, "farrington_series.csv"),
          row.names = FALSE, quote = FALSE)

rows <- list()
for (o in names(optsets)) {
  for (s in names(series)) {
    st <- sts(observed = series[[s]], frequency = 52, start = c(2000, 1))
    control <- modifyList(list(range = range_eval), optsets[[o]])
    res <- suppressWarnings(farringtonFlexible(st, control = control))
    al <- as.integer(alarms(res)[, 1])
    rows[[length(rows) + 1]] <- data.frame(
      optset = o, series = s, week = range_eval,
      upperbound = fmt(upperbound(res)[, 1]),
      expected = fmt(res@control$expected[, 1]),
      alarm = ifelse(is.na(al), "NA", as.character(al)))
  }
}
write.csv(do.call(rbind, rows), file.path(out_dir, "farrington_ref.csv"),
          row.names = FALSE, quote = FALSE)
