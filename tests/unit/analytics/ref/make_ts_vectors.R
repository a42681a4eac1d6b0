# Reference vectors for the EARS and CUSUM detectors (tests/unit/analytics/
# test_ears.c, test_cusum.c): seeded synthetic series run through R's
# surveillance::earsC and surveillance::cusum. Run from the repository root:
#   Rscript tests/unit/analytics/ref/make_ts_vectors.R
# It rewrites ts_series.csv, ears_cases.csv, ears_ref.csv, cusum_cases.csv and
# cusum_ref.csv beside itself. Numbers are written with 12 significant digits.
suppressMessages(library(surveillance))
set.seed(20240611)
dir <- "tests/unit/analytics/ref"
n <- 104
tt <- 1:n

# Varied shapes: seasonality, many zeros, small counts, outbreaks, a trend,
# constant stretches (zero deviation: R's NA and Inf paths), overdispersion.
series <- list(
  seasonal = rpois(n, 10 * (1 + 0.5 * sin(2 * pi * tt / 52))),
  zeros    = rpois(n, 0.3),
  outbreak = rpois(n, 2) + c(rep(0, 79), rpois(6, 9), rep(0, n - 85)),
  trend    = rpois(n, 50 * (1 + 0.3 * cos(2 * pi * tt / 52)) * exp(0.004 * tt)),
  constant = c(rep(3, 30), rpois(20, 3), rep(0, 15), rep(5, 10), rpois(n - 75, 4)),
  bursts   = c(rep(0, 40), rpois(20, 1), rep(0, 20), rpois(n - 80, 6)),
  overdisp = rnbinom(n, mu = 5, size = 0.8),
  small    = rpois(n, 1)
)

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.12g", x))
lgl <- function(x) ifelse(is.na(x), "NA", ifelse(x, "1", "0"))

ser_rows <- do.call(rbind, lapply(seq_along(series), function(i)
  data.frame(series = i, t = tt, count = series[[i]])))
write.csv(ser_rows, file.path(dir, "ts_series.csv"), row.names = FALSE, quote = FALSE)

make_sts <- function(x) sts(observed = matrix(x, ncol = 1), frequency = 52, start = c(2000, 1))

# EARS: every method on every series, once with R's defaults and twice with
# drawn baseline, alpha, minSigma and first evaluated period.
ears_cases <- list(); ears_ref <- list(); id <- 0
for (s in seq_along(series)) for (method in c("C1", "C2", "C3")) for (rep in 1:3) {
  x <- series[[s]]
  if (rep == 1) {
    baseline <- 7; alpha <- if (method == "C3") 0.025 else 0.001; min_sigma <- 0
  } else {
    baseline <- sample(c(3, 5, 7, 12, 28), 1)
    alpha <- sample(c(0.001, 0.01, 0.025, 0.05, 0.2), 1)
    min_sigma <- sample(c(0, 0, 0.5, 1, 3), 1)
  }
  max_lag <- switch(method, C1 = baseline, C2 = baseline + 2, C3 = baseline + 4)
  from <- max_lag + 1
  if (rep == 3) from <- from + sample(0:20, 1)
  res <- earsC(make_sts(x), control = list(method = method, baseline = baseline,
                 alpha = alpha, minSigma = min_sigma, range = from:n))
  id <- id + 1
  ears_cases[[id]] <- data.frame(case = id, series = s, method = method, baseline = baseline,
                                 alpha = alpha, min_sigma = min_sigma, from = from)
  ears_ref[[id]] <- data.frame(case = id, t = from:n, upperbound = fmt(upperbound(res)[, 1]),
                               alarm = lgl(alarms(res)[, 1]))
}
write.csv(do.call(rbind, ears_cases), file.path(dir, "ears_cases.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, ears_ref), file.path(dir, "ears_ref.csv"), row.names = FALSE, quote = FALSE)

# CUSUM: every transformation on every series with drawn k, h, m (estimated
# from the history or given) and first evaluated period.
trans_all <- c("standard", "rossi", "anscombe", "anscombe2nd", "pearsonNegBin", "none")
kh <- list(c(1.04, 2.26), c(0.5, 4), c(2, 1), c(0.1, 8))
cusum_cases <- list(); cusum_ref <- list(); id <- 0
for (s in seq_along(series)) for (trans in trans_all) {
  x <- series[[s]]
  p <- kh[[sample(seq_along(kh), 1)]]
  from <- sample(c(10, 26, 53), 1)
  m <- if (runif(1) < 0.5) NULL else round(mean(x[1:(from - 1)]) * runif(1, 0.7, 1.5) + 0.1, 3)
  if (is.null(m) && mean(x[1:(from - 1)]) == 0 && trans != "none") from <- 85
  alpha <- sample(c(0.1, 0.5), 1)
  ctl <- list(range = from:n, k = p[1], h = p[2], trans = trans, alpha = alpha)
  if (!is.null(m)) ctl$m <- m
  res <- cusum(make_sts(x), control = ctl)
  id <- id + 1
  cusum_cases[[id]] <- data.frame(case = id, series = s, trans = trans, k = p[1], h = p[2],
                                  m = if (is.null(m)) "NA" else fmt(m), alpha = alpha, from = from)
  cusum_ref[[id]] <- data.frame(case = id, t = from:n, upperbound = fmt(upperbound(res)[, 1]),
                                alarm = lgl(alarms(res)[, 1]))
}
write.csv(do.call(rbind, cusum_cases), file.path(dir, "cusum_cases.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, cusum_ref), file.path(dir, "cusum_ref.csv"), row.names = FALSE, quote = FALSE)
