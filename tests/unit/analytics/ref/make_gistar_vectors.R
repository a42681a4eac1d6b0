# Reference z-values of Gi* from R spdep for tests/unit/analytics/test_gistar.c.
# Run from the repository root:
#   Rscript tests/unit/analytics/ref/make_gistar_vectors.R
# Writes tests/unit/analytics/ref/gistar_<case>.csv (columns x,y,value,z)
# and gistar_cases.csv (case,metric,distance). Seeded: reruns give the
# same files for the same R and spdep versions.
suppressMessages(library(spdep))
set.seed(20240611)
dir <- "tests/unit/analytics/ref"
f17 <- function(v) sprintf("%.17g", v)

gistar_ref <- function(x, y, value, d, longlat) {
  nb <- dnearneigh(cbind(x, y), 0, d, longlat = longlat)
  lw <- nb2listw(include.self(nb), style = "B", zero.policy = TRUE)
  as.numeric(localG(value, lw, zero.policy = TRUE))
}

cases <- data.frame(case = character(), metric = character(), distance = character())
emit <- function(name, x, y, value, d, longlat) {
  z <- gistar_ref(x, y, value, d, longlat)
  out <- data.frame(x = f17(x), y = f17(y), value = f17(value), z = f17(z))
  write.csv(out, file.path(dir, paste0("gistar_", name, ".csv")), row.names = FALSE, quote = FALSE)
  cases[nrow(cases) + 1, ] <<- c(name, if (longlat) "haversine" else "euclidean", f17(d))
}

# uniform points, continuous values
n <- 200
x <- runif(n, 0, 100); y <- runif(n, 0, 100); v <- rgamma(n, 2, 1)
emit("uniform_d8", x, y, v, 8, FALSE)
emit("uniform_d20", x, y, v, 20, FALSE)

# three clusters with higher counts inside the first
n <- 300
cx <- c(20, 70, 50); cy <- c(30, 60, 85); k <- sample(1:3, n, TRUE)
x <- rnorm(n, cx[k], 4); y <- rnorm(n, cy[k], 4)
v <- rpois(n, ifelse(k == 1, 6, 2))
emit("clustered_d5", x, y, v, 5, FALSE)
emit("clustered_d15", x, y, v, 15, FALSE)

# many exact duplicate locations (several reports at one address)
loc <- cbind(round(runif(30, 0, 20), 1), round(runif(30, 0, 20), 1))
k <- sample(1:30, 120, TRUE)
x <- loc[k, 1]; y <- loc[k, 2]; v <- rpois(120, 3)
emit("duplicates_d3", x, y, v, 3, FALSE)

# longitude/latitude over Europe, distances in km
n <- 250
x <- runif(n, -10, 40); y <- runif(n, 35, 70); v <- rexp(n, 0.5)
emit("europe_d150", x, y, v, 150, TRUE)
emit("europe_d400", x, y, v, 400, TRUE)

# across the antimeridian, near the pole
n <- 120
x <- runif(n, 175, 185); x <- ifelse(x > 180, x - 360, x); y <- runif(n, 70, 89.5)
v <- rpois(n, 4)
emit("dateline_d120", x, y, v, 120, TRUE)

write.csv(cases, file.path(dir, "gistar_cases.csv"), row.names = FALSE, quote = FALSE)
