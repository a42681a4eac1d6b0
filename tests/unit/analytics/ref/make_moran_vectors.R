# Reference Moran's I tests from R spdep for tests/unit/analytics/test_moran.c.
# Run from the repository root:
#   Rscript tests/unit/analytics/ref/make_moran_vectors.R
# Writes moran_<case>.csv (x,y,value) and moran_ref.csv (case, metric,
# distance, I, expectation, variance, z): spdep::moran.test with
# row-standardised distance-band weights, randomisation, zero.policy.
# Seeded: reruns give the same files for the same R and spdep versions.
suppressMessages(library(spdep))
set.seed(20261130)
dir <- "tests/unit/analytics/ref"
f17 <- function(v) sprintf("%.17g", v)
ref <- data.frame()

emit <- function(name, x, y, value, ds, longlat) {
  write.csv(data.frame(x = f17(x), y = f17(y), value = f17(value)),
            file.path(dir, paste0("moran_", name, ".csv")), row.names = FALSE, quote = FALSE)
  for (d in ds) {
    nb <- dnearneigh(cbind(x, y), 0, d, longlat = longlat)
    lw <- nb2listw(nb, style = "W", zero.policy = TRUE)
    t <- moran.test(value, lw, randomisation = TRUE, zero.policy = TRUE)
    ref <<- rbind(ref, data.frame(case = name, metric = if (longlat) "haversine" else "euclidean",
      distance = f17(d), I = f17(t$estimate[1]), expectation = f17(t$estimate[2]),
      variance = f17(t$estimate[3]), z = f17(t$statistic)))
  }
}

# counts on a grid of cells over Austria (lon/lat centres, about 5 km),
# background Poisson noise and a cluster near Vienna
lat <- seq(46.5, 49, by = 0.045); lon <- seq(9.6, 17.1, by = 0.0675)
g <- expand.grid(lon = lon, lat = lat)
v <- rpois(nrow(g), 0.3)
near <- sqrt((g$lon - 16.37)^2 + (g$lat - 48.21)^2) < 0.15
v[near] <- v[near] + rpois(sum(near), 6)
emit("grid_at", g$lon, g$lat, v, 5 * (1.01 + 0:9), TRUE)

# planar points with isolated ones at short distances
n <- 300
x <- c(runif(n - 20, 0, 50), runif(20, 200, 400)); y <- c(runif(n - 20, 0, 50), runif(20, 200, 400))
v <- rpois(n, 2) + ifelse(x < 15 & y < 15, 4, 0)
emit("planar", x, y, v, c(2, 3, 5, 8, 13, 21), FALSE)

# pure noise, continuous values
n <- 400
x <- runif(n, -5, 30); y <- runif(n, 40, 60); v <- rexp(n)
emit("noise_europe", x, y, v, c(50, 100, 200, 400), TRUE)

write.csv(ref, file.path(dir, "moran_ref.csv"), row.names = FALSE, quote = FALSE)
