# Reference vectors for tests/unit/analytics/test_padjust.c: R's
# stats::p.adjust (none, bonferroni, holm, BH), spdep::p.adjustSP on the Gi*
# data sets of make_gistar_vectors.R, and the two-sided normal p-value.
# Run from the repository root (after make_gistar_vectors.R):
#   Rscript tests/unit/analytics/ref/make_padjust_vectors.R
# Writes padjust_ref.csv, gistar_padjust.csv and pnorm2_ref.csv beside this
# script. Seeded: reruns give the same files for the same R and spdep.
suppressMessages(library(spdep))
set.seed(20240612)
dir <- "tests/unit/analytics/ref"
f17 <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
methods <- c(none = "none", bonferroni = "bonferroni", holm = "holm", bh = "BH")

# p.adjust: small and large n, ties, values that reach the cap of 1, tiny
# values, exact 0 and 1, and NA (left out of n, as R does).
cases <- list(
  single = 0.03,
  two = c(0.04, 0.01),
  three = c(0.02, 0.5, 0.011),
  ties = c(0.01, 0.02, 0.02, 0.02, 0.04, 0.01, 0.5, 0.5, 1, 0),
  all_equal = rep(0.03, 7),
  capped = c(0.2, 0.5, 0.9, 0.35, 0.6, 0.45),
  tiny = c(1e-300, 5e-17, 2.2e-16, 1e-10, 3e-8, 0.049, 0.051, 0.7),
  with_na = c(0.01, NA, 0.04, 0.03, NA, 0.2, 0.03),
  uniform_50 = runif(50),
  signals_200 = sample(c(rbeta(40, 0.2, 5), runif(160))),
  rounded_1000 = round(runif(1000), 3),
  large_3000 = sample(c(rbeta(300, 0.3, 10), runif(2700)))
)
rows <- lapply(names(cases), function(name) {
  p <- cases[[name]]
  out <- data.frame(case = name, p = f17(p))
  for (m in names(methods)) out[[m]] <- f17(p.adjust(p, methods[[m]]))
  out
})
write.csv(do.call(rbind, rows), file.path(dir, "padjust_ref.csv"), row.names = FALSE,
          quote = FALSE)

# p.adjustSP on each Gi* data set, with nb the distance band without the point
# itself (spdep's own example adjusts localG on include.self(nb) by nb): the
# n of each point is card(nb) + 1, its band size. Also p.adjust over all points.
# The points are those of gistar_<case>.csv, row for row; p is from R's z there.
gi <- read.csv(file.path(dir, "gistar_cases.csv"), colClasses = "character")
rows <- lapply(seq_len(nrow(gi)), function(k) {
  pts <- read.csv(file.path(dir, paste0("gistar_", gi$case[k], ".csv")))
  nb <- dnearneigh(cbind(pts$x, pts$y), 0, as.numeric(gi$distance[k]),
                   longlat = gi$metric[k] == "haversine")
  p <- 2 * pnorm(-abs(pts$z))
  out <- data.frame(case = gi$case[k], point = seq_along(p), tests = card(nb) + 1, p = f17(p))
  for (m in names(methods)) out[[paste0("all_", m)]] <- f17(p.adjust(p, methods[[m]]))
  for (m in names(methods)) out[[paste0("sp_", m)]] <- f17(p.adjustSP(p, nb, methods[[m]]))
  out
})
write.csv(do.call(rbind, rows), file.path(dir, "gistar_padjust.csv"), row.names = FALSE,
          quote = FALSE)

# 2 * pnorm(-abs(z)) from the centre to the far tails (|z| <= 37: beyond, the
# result leaves the normal range of doubles).
z <- c(0, 1e-300, 1e-12, 1e-6, 0.5, 1.2815515655446004, 1.6448536269514722,
       1.959963984540054, 2.5758293035489004, 3.2905267314918945, seq(-37, 37, by = 0.29),
       runif(200, -37, 37))
write.csv(data.frame(z = f17(z), p = f17(2 * pnorm(-abs(z)))), file.path(dir, "pnorm2_ref.csv"),
          row.names = FALSE, quote = FALSE)
