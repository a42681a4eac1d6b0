# Reference vectors for the limit54 rule of farringtonFlexible (no alarm with
# fewer than limit54[1] cases in the last limit54[2] periods: R reports the
# alarm FALSE and the upper bound and expected value NA), for
# tests/unit/analytics/test_farrington.c and tests/api/analyze.test.mjs.
# Run from the repository root:
#   Rscript tests/unit/analytics/ref/make_farrington_limit54_vectors.R
# Writes farrington_limit54_series.csv (inputs) and farrington_limit54_ref.csv
# (R's results) beside this script, in the format of make_farrington_vectors.R.
# Seeded: the same files on every run of the same R and surveillance versions.
suppressPackageStartupMessages(library(surveillance))

out_dir <- "tests/unit/analytics/ref"
n_weeks <- 520
range_eval <- 417:520 # the last 104 weeks, 1-based
set.seed(20240613)

series <- list(
  # rare cases, then in the evaluated weeks: 4 cases after 3 empty weeks (far
  # above any bound, but under 5 in 4 weeks: no alarm), 5 after 3 empty weeks
  # (an alarm), and 1 + 1 + 1 + 1 (4 in 4 weeks)
  sparse = local({
    y <- rpois(n_weeks, 0.1)
    y[447:450] <- c(0, 0, 0, 4)
    y[467:470] <- c(0, 0, 0, 5)
    y[488:491] <- c(0, 0, 2, 3)
    y[500:503] <- c(1, 1, 1, 1)
    y
  }),
  # mostly empty weeks with bursts: over-dispersed, so the negative binomial
  # quantile of nbPlugin can fall below the expected value
  bursty = local({
    y <- rep(0, n_weeks)
    at <- sort(sample(n_weeks, 40))
    y[at] <- rpois(length(at), 8)
    y
  }),
  zero = rep(0, n_weeks)
)

optsets <- list(
  defaults = list(),
  nbplugin = list(thresholdMethod = "nbPlugin"),
  muan = list(thresholdMethod = "muan"),
  limit32 = list(limit54 = c(3, 2))
)

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

inputs <- do.call(rbind, lapply(names(series), function(s)
  data.frame(series = s, week = seq_len(n_weeks), count = series[[s]])))
write.csv(inputs, file.path(out_dir, "farrington_limit54_series.csv"),
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
write.csv(do.call(rbind, rows), file.path(out_dir, "farrington_limit54_ref.csv"),
          row.names = FALSE, quote = FALSE)
