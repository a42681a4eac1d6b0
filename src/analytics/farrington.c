/* Farrington flexible, following R surveillance 1.20 (farringtonFlexible,
 * algo.farrington.data.glm, blocks, algo.farrington.glm,
 * algo.farrington.fitGLM.flexible, anscombe.residuals,
 * algo.farrington.assign.weights, algo.farrington.threshold.*) and the
 * glm.fit / summary.glm / predict.glm of R's stats package that they call.
 * Where R's arithmetic has a quirk that shows in the results (the Noufaily
 * score divides by a link-scale prediction; working weights lag the final
 * fitted means by one iteration; after reweighting, the standard errors use
 * a dispersion computed with the prior weights, see far_disp_prior) it is
 * kept on purpose, so that the numbers stay equal to R's. One departure:
 * when the GLM fails R leaves expected at 0; here it is NaN like the bound. */
#include "analytics/ts.h"
#include "analytics/farrington.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/stats.h"
#include "core/err.h"

/* glm.control() defaults and the QR tolerance glm.fit passes to Cdqrls. */
enum { FAR_GLM_MAXIT = 25 };
static const double far_glm_epsilon = 1e-8;
static const double far_qr_tol = 1e-11;

/* Scratch space for one far_run call, sized for the widest window; the
 * current GLM (data, design, fit) lives here and is overwritten by refits. */
struct far_work {
	size_t cap_obs, cap_par;
	int *window; /* level per period of the window; 0 = not used */
	/* the data of the GLM */
	size_t nobs;
	double *y, *wtime;
	double *logy; /* log(y), where y > 0 */
	int *level;   /* seasgroups, 1..no_periods */
	int baseline; /* the smallest level present (treatment contrasts) */
	/* the design and the fit */
	size_t npar;
	int has_trend;
	double *x;	 /* column-major, leading dimension cap_obs */
	double *a, *rhs; /* weighted copies decomposed by the QR */
	double *prior;	 /* prior weights (R's weights = omega) */
	double *mu, *eta, *wt, *s;
	double *logmu;			/* log(mu): eta, or log(DBL_EPSILON) where mu is floored */
	double *coef, *coefold, *r, *v; /* r: upper triangle, ld cap_par */
	double *row;			/* one design row */
	double disp;			/* summary.glm dispersion (Pearson, not floored) */
	double disp_se;			/* the one predict.glm and the trend test see, below */
	double df_r;			/* residual degrees of freedom */
};

/* What algo.farrington.glm hands to the threshold: the prediction at the
 * current period, on the scale the threshold method wants. */
struct far_pred {
	double fit, se; /* response scale for delta, link scale otherwise */
	double phi;	/* max(dispersion, 1) */
};

void far_opts_default(struct far_opts *o)
{
	o->frequency = 52;
	o->b = 5;
	o->w = 3;
	o->alpha = 0.05;
	o->reweight = 1;
	o->weights_threshold = 2.58;
	o->trend = 1;
	o->p_threshold_trend = 0.05;
	o->limit54_cases = 5;
	o->limit54_weeks = 4;
	o->powertrans = FAR_POW_23;
	o->no_periods = 1;
	o->past_weeks_not_included = o->w;
	o->threshold = FAR_THR_DELTA;
}

size_t far_min_from(const struct far_opts *o)
{
	size_t m = (size_t)o->frequency * (size_t)o->b + (size_t)o->w;
	if (o->past_weeks_not_included > 0 && (size_t)o->past_weeks_not_included > m)
		m = (size_t)o->past_weeks_not_included;
	if (o->limit54_weeks > 0 && (size_t)o->limit54_weeks - 1 > m)
		m = (size_t)o->limit54_weeks - 1;
	return m;
}

/* The bounds keep frequency * b and every workspace size far from overflow;
 * no_periods is capped so that each between-window block has at least one
 * period (beyond that R assigns levels through reversed index ranges). */
static int far_opts_check(const struct far_opts *o, struct ts_error *err)
{
	if (o->frequency < 1 || o->frequency > 1000)
		return ts_fail(err, 0, "frequency", "%s", "frequency must be between 1 and 1000");
	if (o->b < 1 || o->b > 100)
		return ts_fail(err, 0, "b", "%s", "b must be between 1 and 100 years");
	if (o->w < 0 || 2 * o->w + 1 > o->frequency)
		return ts_fail(err, 0, "w", "%s", "w must be >= 0 with 2w+1 <= frequency");
	if (!(o->alpha > 0.0 && o->alpha < 1.0))
		return ts_fail(err, 0, "alpha", "%s", "alpha must be between 0 and 1");
	if (!isfinite(o->weights_threshold))
		return ts_fail(err, 0, "weights_threshold", "%s",
			       "weights_threshold must be finite");
	if (!isfinite(o->p_threshold_trend))
		return ts_fail(err, 0, "p_threshold_trend", "%s",
			       "p_threshold_trend must be finite");
	if (o->limit54_cases < 0 || o->limit54_weeks < 1)
		return ts_fail(err, 0, "limit54", "%s",
			       "limit54 out of bounds: cases >= 0 and periods > 0");
	if (o->powertrans != FAR_POW_23 && o->powertrans != FAR_POW_12 &&
	    o->powertrans != FAR_POW_NONE)
		return ts_fail(err, 0, "powertrans", "%s", "powertrans must be 2/3, 1/2 or none");
	if (o->threshold != FAR_THR_DELTA && o->threshold != FAR_THR_NBPLUGIN &&
	    o->threshold != FAR_THR_MUAN)
		return ts_fail(err, 0, "threshold", "%s",
			       "threshold must be delta, nbPlugin or muan");
	if (o->no_periods < 1 || o->no_periods > o->frequency - 2 * o->w)
		return ts_fail(err, 0, "no_periods", "%s",
			       "no_periods must be between 1 and frequency - 2w");
	if (o->past_weeks_not_included < 0 ||
	    o->past_weeks_not_included > o->frequency * (o->b + 1))
		return ts_fail(err, 0, "past_weeks_not_included", "%s",
			       "past_weeks_not_included must be between 0 and frequency * (b+1)");
	if (o->limit54_weeks > o->frequency * (o->b + 1))
		return ts_fail(err, 0, "limit54", "%s",
			       "limit54 periods must be at most frequency * (b+1)");
	return TR_OK;
}

static int far_counts_check(const double *counts, size_t n, struct ts_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(counts[i]))
			return ts_fail(err, i + 1, "count", "%s", "count is missing or not finite");
		if (counts[i] < 0.0)
			return ts_fail(err, i + 1, "count", "%s", "count is negative");
	}
	return TR_OK;
}

static void far_work_free(struct far_work *w)
{
	free(w->window);
	free(w->level);
	free(w->y);
	free(w->logy);
	free(w->logmu);
	free(w->wtime);
	free(w->x);
	free(w->a);
	free(w->rhs);
	free(w->prior);
	free(w->mu);
	free(w->eta);
	free(w->wt);
	free(w->s);
	free(w->coef);
	free(w->coefold);
	free(w->r);
	free(w->v);
	free(w->row);
}

static int far_work_alloc(struct far_work *w, const struct far_opts *o)
{
	memset(w, 0, sizeof *w);
	size_t no = (size_t)o->frequency * (size_t)o->b + (size_t)o->w + 1;
	size_t np = 2 + (size_t)o->no_periods - 1;
	w->cap_obs = no;
	w->cap_par = np;
	w->window = calloc(no, sizeof *w->window);
	w->level = calloc(no, sizeof *w->level);
	w->y = calloc(no, sizeof(double));
	w->logy = calloc(no, sizeof(double));
	w->logmu = calloc(no, sizeof(double));
	w->wtime = calloc(no, sizeof(double));
	w->x = calloc(no * np, sizeof(double));
	w->a = calloc(no * np, sizeof(double));
	w->rhs = calloc(no, sizeof(double));
	w->prior = calloc(no, sizeof(double));
	w->mu = calloc(no, sizeof(double));
	w->eta = calloc(no, sizeof(double));
	w->wt = calloc(no, sizeof(double));
	w->s = calloc(no, sizeof(double));
	w->coef = calloc(np, sizeof(double));
	w->coefold = calloc(np, sizeof(double));
	w->r = calloc(np * np, sizeof(double));
	w->v = calloc(np, sizeof(double));
	w->row = calloc(np, sizeof(double));
	if (!w->window || !w->level || !w->y || !w->logy || !w->logmu || !w->wtime || !w->x ||
	    !w->a || !w->rhs || !w->prior || !w->mu || !w->eta || !w->wt || !w->s || !w->coef ||
	    !w->coefold || !w->r || !w->v || !w->row) {
		far_work_free(w);
		return TR_ERR_NOMEM;
	}
	return TR_OK;
}

/* R's blocks(): levels over the window [i - freq*b - w, i]. The current
 * window and the b reference windows get level p; with p > 1 the periods
 * between reference windows are cut into p - 1 blocks, the first ones one
 * period longer when the split is uneven. */
static void far_window_levels(int *win, size_t i, const struct far_opts *o)
{
	size_t base = i - ((size_t)o->frequency * (size_t)o->b + (size_t)o->w);
	size_t len = (size_t)o->frequency * (size_t)o->b + (size_t)o->w + 1;
	int p = o->no_periods, w = o->w;
	memset(win, 0, len * sizeof *win);
	for (size_t j = i - (size_t)w; j <= i; j++)
		win[j - base] = p;
	for (int yr = 1; yr <= o->b; yr++) {
		size_t ref = i - (size_t)o->frequency * (size_t)yr;
		for (size_t j = ref - (size_t)w; j <= ref + (size_t)w; j++)
			win[j - base] = p;
		if (p == 1)
			continue;
		int period = o->frequency - 2 * w - 1;
		int blen = period / (p - 1), rest = period % (p - 1);
		size_t j = ref + (size_t)w + 1;
		for (int lev = 1; lev <= p - 1; lev++)
			for (int c = 0; c < blen + (lev <= rest); c++, j++)
				win[j - base] = lev;
	}
	/* pastWeeksNotIncluded: R blanks (k - pwni):k, k being 1-based */
	size_t first = i - (size_t)o->past_weeks_not_included;
	for (size_t j = first < base ? base : first; j <= i; j++)
		win[j - base] = 0;
}

/* algo.farrington.data.glm: the used periods in time order, wtime being
 * R's 1-based index. */
static void far_work_data(struct far_work *w, const double *counts, size_t i,
			  const struct far_opts *o)
{
	size_t base = i - ((size_t)o->frequency * (size_t)o->b + (size_t)o->w);
	far_window_levels(w->window, i, o);
	w->nobs = 0;
	w->baseline = o->no_periods;
	for (size_t off = 0; off < w->cap_obs; off++) {
		int lev = w->window[off];
		if (lev == 0)
			continue;
		w->y[w->nobs] = counts[base + off];
		w->logy[w->nobs] = counts[base + off] > 0.0 ? log(counts[base + off]) : 0.0;
		w->wtime[w->nobs] = (double)(base + off + 1);
		w->level[w->nobs] = lev;
		if (lev < w->baseline)
			w->baseline = lev;
		w->nobs++;
	}
}

/* Design row of one observation: intercept, wtime, then one dummy per
 * level above the baseline (R's treatment contrasts). With no_periods <=
 * frequency - 2w every level between baseline and no_periods is present;
 * were one absent, its all-zero column would fail the QR rank test. */
static void far_design_row(const struct far_work *w, int trend, int factors, double wtime,
			   int level, double *row)
{
	size_t c = 0;
	row[c++] = 1.0;
	if (trend)
		row[c++] = wtime;
	if (factors)
		for (int lev = w->baseline + 1; c < w->npar; lev++)
			row[c++] = level == lev ? 1.0 : 0.0;
}

static int far_work_design(struct far_work *w, int trend, int factors)
{
	w->has_trend = trend;
	w->npar = 1 + (size_t)(trend != 0);
	if (factors) {
		int maxlev = w->baseline;
		for (size_t k = 0; k < w->nobs; k++)
			if (w->level[k] > maxlev)
				maxlev = w->level[k];
		w->npar += (size_t)(maxlev - w->baseline);
	}
	if (w->npar > w->cap_par)
		return -1;
	for (size_t k = 0; k < w->nobs; k++) {
		far_design_row(w, trend, factors, w->wtime[k], w->level[k], w->row);
		for (size_t c = 0; c < w->npar; c++)
			w->x[c * w->cap_obs + k] = w->row[c];
	}
	return 0;
}

/* Householder QR of a (nobs x npar) with the right-hand side rhs, giving the
 * upper triangle r and the least-squares coefficients. A column whose
 * remaining norm falls below far_qr_tol of its own norm is a combination of
 * the others: R would alias it (coefficient NA); here that fails the fit. */
static int far_qr_solve(struct far_work *w)
{
	size_t n = w->nobs, p = w->npar, lda = w->cap_obs, ldr = w->cap_par;
	for (size_t j = 0; j < p; j++) {
		double *col = w->a + j * lda;
		double full = 0.0, tail = 0.0;
		for (size_t i = 0; i < n; i++) {
			full += col[i] * col[i];
			if (i >= j)
				tail += col[i] * col[i];
		}
		double norm = sqrt(tail);
		if (!(norm > far_qr_tol * sqrt(full)))
			return -1;
		double alpha = col[j] > 0.0 ? -norm : norm;
		col[j] -= alpha;
		double vtv = 0.0;
		for (size_t i = j; i < n; i++)
			vtv += col[i] * col[i];
		for (size_t l = j + 1; l <= p; l++) {
			double *t = l < p ? w->a + l * lda : w->rhs;
			double dot = 0.0;
			for (size_t i = j; i < n; i++)
				dot += col[i] * t[i];
			double f = 2.0 * dot / vtv;
			for (size_t i = j; i < n; i++)
				t[i] -= f * col[i];
		}
		w->r[j * ldr + j] = alpha;
		for (size_t l = j + 1; l < p; l++)
			w->r[l * ldr + j] = w->a[l * lda + j];
	}
	for (size_t j = p; j-- > 0;) {
		double s = w->rhs[j];
		for (size_t l = j + 1; l < p; l++)
			s -= w->r[l * ldr + j] * w->coef[l];
		w->coef[j] = s / w->r[j * ldr + j];
	}
	return 0;
}

/* v = R^-T x, so that |v|^2 = x' (X'WX)^-1 x. */
static double far_quad_form(struct far_work *w, const double *x)
{
	size_t p = w->npar, ldr = w->cap_par;
	double q = 0.0;
	for (size_t j = 0; j < p; j++) {
		double s = x[j];
		for (size_t i = 0; i < j; i++)
			s -= w->r[j * ldr + i] * w->v[i];
		w->v[j] = s / w->r[j * ldr + j];
		q += w->v[j] * w->v[j];
	}
	return q;
}

/* The log link's inverse into mu[i], R's pmax(exp(eta), .Machine$double.eps)
 * (NaN gives the floor, as pmax does here), and its log into logmu[i]: eta
 * itself, unless floored, which spares the deviance a log per row. */
static void far_linkinv(struct far_work *w, size_t i, double eta)
{
	double e = exp(eta);
	int floored = !(e > DBL_EPSILON);
	w->mu[i] = floored ? DBL_EPSILON : e;
	w->logmu[i] = floored ? log(DBL_EPSILON) : eta;
}

/* poisson()$dev.resids summed; R's sum() accumulates in long double. The
 * residual's log(y / mu) is taken as log(y) - log(mu), from the logs kept
 * with y and mu (equal to about 1e-16 relative). */
static double far_deviance(const struct far_work *w)
{
	long double dev = 0.0L;
	for (size_t i = 0; i < w->nobs; i++) {
		double y = w->y[i], mu = w->mu[i], wt = w->prior[i];
		double r = y > 0.0 ? wt * (y * (w->logy[i] - w->logmu[i]) - (y - mu)) : mu * wt;
		dev += 2.0 * r;
	}
	return (double)dev;
}

/* eta = X coef and mu = linkinv(eta) = pmax(exp(eta), DBL_EPSILON). */
static void far_linear_predictor(struct far_work *w)
{
	for (size_t i = 0; i < w->nobs; i++) {
		double e = 0.0;
		for (size_t c = 0; c < w->npar; c++)
			e += w->x[c * w->cap_obs + i] * w->coef[c];
		w->eta[i] = e;
		far_linkinv(w, i, e);
	}
}

/* One IRLS step: working response and weights from the current eta and mu,
 * then the weighted least squares. The log link's mu.eta is linkinv(eta),
 * which is mu: every writer of eta writes mu from it at once. Rows with zero prior weight are
 * zeroed, which is what dropping them (R's `good`) does to the solution. */
static int far_irls_step(struct far_work *w)
{
	for (size_t i = 0; i < w->nobs; i++) {
		double me = w->mu[i];
		double sw = 0.0, z = 0.0;
		if (w->prior[i] > 0.0) {
			z = w->eta[i] + (w->y[i] - w->mu[i]) / me;
			sw = sqrt(w->prior[i] * me); /* R: prior mu.eta^2 / variance, = prior mu */
		}
		w->wt[i] = sw * sw;
		w->rhs[i] = z * sw;
		for (size_t c = 0; c < w->npar; c++)
			w->a[c * w->cap_obs + i] = w->x[c * w->cap_obs + i] * sw;
	}
	return far_qr_solve(w);
}

/* R's step halving when the deviance is not finite; -1 where R stops with
 * an error. */
static int far_irls_halve(struct far_work *w, int have_old, double *dev)
{
	if (!have_old)
		return -1;
	for (int ii = 1; !isfinite(*dev); ii++) {
		if (ii > FAR_GLM_MAXIT)
			return -1;
		for (size_t c = 0; c < w->npar; c++)
			w->coef[c] = (w->coef[c] + w->coefold[c]) / 2.0;
		far_linear_predictor(w);
		*dev = far_deviance(w);
	}
	return 0;
}

/* The summary.glm dispersion: Pearson statistic over the residual degrees
 * of freedom, with the working weights of the last iteration and the
 * working residuals of the final means. */
static int far_glm_dispersion(struct far_work *w)
{
	long double sum = 0.0L;
	size_t nok = 0;
	for (size_t i = 0; i < w->nobs; i++) {
		if (w->prior[i] != 0.0)
			nok++;
		if (w->wt[i] > 0.0) {
			double res = (w->y[i] - w->mu[i]) / w->mu[i]; /* mu.eta = mu */
			sum += w->wt[i] * res * res;
		}
	}
	w->df_r = (double)nok - (double)w->npar;
	if (!(w->df_r > 0.0))
		return -1; /* R: dispersion NaN, and phi with it */
	w->disp = (double)(sum / (long double)w->df_r);
	return 0;
}

/* glm.fit for quasipoisson(link = "log") with prior weights w->prior.
 * Returns 1 when converged, 0 when not (R's converged = FALSE), -1 when R
 * would stop with an error or alias a coefficient. */
static int far_glm_fit(struct far_work *w)
{
	for (size_t i = 0; i < w->nobs; i++) {
		w->eta[i] = log(w->y[i] + 0.1); /* mustart = y + 0.1 */
		far_linkinv(w, i, w->eta[i]);
	}
	double devold = far_deviance(w);
	int conv = 0, have_old = 0;
	for (int iter = 1; iter <= FAR_GLM_MAXIT; iter++) {
		if (far_irls_step(w) != 0)
			return -1;
		far_linear_predictor(w);
		double dev = far_deviance(w);
		if (!isfinite(dev) && far_irls_halve(w, have_old, &dev) != 0)
			return -1;
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < far_glm_epsilon) {
			conv = 1;
			break;
		}
		devold = dev;
		memcpy(w->coefold, w->coef, w->npar * sizeof(double));
		have_old = 1;
	}
	if (far_glm_dispersion(w) != 0)
		return -1;
	return conv;
}

/* anscombe.residuals and algo.farrington.assign.weights: observations
 * whose residual exceeds the threshold get weight gamma / s^2, the others
 * gamma, with gamma making the weights average to one in R's sense. */
static void far_reweight(struct far_work *w, double phi, double threshold)
{
	long double denom = 0.0L;
	for (size_t i = 0; i < w->nobs; i++) {
		for (size_t c = 0; c < w->npar; c++)
			w->row[c] = w->x[c * w->cap_obs + i];
		double h = w->wt[i] * far_quad_form(w, w->row);
		if (h > 1.0 - 10.0 * DBL_EPSILON)
			h = 1.0; /* as lm.influence */
		double y = w->y[i], mu = w->mu[i];
		double a = 1.5 * (pow(y, 2.0 / 3.0) * pow(mu, -1.0 / 6.0) - sqrt(mu));
		w->s[i] = a / sqrt(phi * (1.0 - h));
		denom += w->s[i] > threshold ? 1.0 / (w->s[i] * w->s[i]) : 1.0;
	}
	double gamma = (double)w->nobs / (double)denom;
	for (size_t i = 0; i < w->nobs; i++)
		w->prior[i] = w->s[i] > threshold ? gamma / (w->s[i] * w->s[i]) : gamma;
}

/* fitGLM.flexible overwrites model$weights (the working weights) with the
 * prior weights omega after reweighting, so every later summary.glm, hence
 * the standard error of predict.glm and the t-test of the trend, computes
 * the dispersion as sum(omega * working residual^2) / df. Kept, to give
 * R's numbers. */
static void far_disp_prior(struct far_work *w)
{
	long double sum = 0.0L;
	for (size_t i = 0; i < w->nobs; i++) {
		if (!(w->prior[i] > 0.0))
			continue;
		double res = (w->y[i] - w->mu[i]) / w->mu[i]; /* mu.eta = mu */
		sum += w->prior[i] * res * res;
	}
	w->disp_se = (double)(sum / (long double)w->df_r);
}

/* algo.farrington.fitGLM.flexible: fit, fall back to no trend when the fit
 * with trend does not converge, then optionally reweight and refit.
 * Returns 0 with *phi set, or -1 where R returns NULL (or would fail). */
static int far_model_fit(struct far_work *w, int trend, const struct far_opts *o, double *phi)
{
	int factors = o->no_periods != 1;
	for (size_t i = 0; i < w->nobs; i++)
		w->prior[i] = 1.0;
	if (far_work_design(w, trend, factors) != 0)
		return -1;
	int rc = far_glm_fit(w);
	if (rc == 0 && trend) {
		if (far_work_design(w, 0, factors) != 0)
			return -1;
		rc = far_glm_fit(w);
	}
	if (rc != 1)
		return -1;
	*phi = fmax(w->disp, 1.0);
	w->disp_se = w->disp;
	if (o->reweight) {
		far_reweight(w, *phi, o->weights_threshold);
		if (far_glm_fit(w) < 0)
			return -1; /* R keeps a non-converged refit, as here */
		*phi = fmax(w->disp, 1.0);
		far_disp_prior(w);
	}
	return 0;
}

/* predict.glm at period i (0-based) on the link scale: eta and its
 * standard error with the unfloored summary dispersion (see disp_se). */
static void far_predict_link(struct far_work *w, size_t i, int no_periods, double *eta, double *se)
{
	far_design_row(w, w->has_trend, no_periods != 1, (double)(i + 1), no_periods, w->row);
	double e = 0.0;
	for (size_t c = 0; c < w->npar; c++)
		e += w->row[c] * w->coef[c];
	*eta = e;
	*se = sqrt(far_quad_form(w, w->row) * w->disp_se);
}

/* Two-sided t-test p-value of the wtime coefficient, as summary.glm. */
static double far_trend_pvalue(struct far_work *w)
{
	/* diag of (R'R)^-1 at wtime = |R^-T e_wtime|^2 */
	memset(w->row, 0, w->npar * sizeof(double));
	w->row[1] = 1.0;
	double var = far_quad_form(w, w->row) * w->disp_se;
	double t = w->coef[1] / sqrt(var);
	return 2.0 * stats_pt(-fabs(t), w->df_r);
}

/* algo.farrington.glm: keep the trend only with b >= 3, a significant
 * coefficient and no extrapolation beyond the largest count used. */
static int far_model(struct far_work *w, size_t i, const struct far_opts *o, struct far_pred *pred)
{
	double phi, eta, se;
	if (far_model_fit(w, o->trend, o, &phi) != 0)
		return -1;
	if (w->has_trend) {
		far_predict_link(w, i, o->no_periods, &eta, &se);
		double ymax = 0.0;
		for (size_t k = 0; k < w->nobs; k++)
			ymax = fmax(ymax, w->y[k]);
		int significant = far_trend_pvalue(w) < o->p_threshold_trend;
		int keep = o->b >= 3 && significant && fmax(exp(eta), DBL_EPSILON) <= ymax;
		if (!keep && far_model_fit(w, 0, o, &phi) != 0)
			return -1;
	}
	far_predict_link(w, i, o->no_periods, &eta, &se);
	pred->phi = phi;
	if (o->threshold == FAR_THR_DELTA) {
		double mu = fmax(exp(eta), DBL_EPSILON);
		pred->fit = mu;
		pred->se = se * mu;
	} else {
		pred->fit = eta;
		pred->se = se;
	}
	return 0;
}

/* algo.farrington.threshold.farrington: the upper end of the power
 * transformed normal interval; R sorts the two ends with NA first. */
static double far_upper_delta(const struct far_pred *p, const struct far_opts *o)
{
	double mu0 = p->fit;
	double tau = p->phi + p->se * p->se / mu0;
	double se, ex;
	switch (o->powertrans) {
	case FAR_POW_NONE:
		se = sqrt(mu0 * tau);
		ex = 1.0;
		break;
	case FAR_POW_12:
		se = sqrt(0.25 * tau);
		ex = 0.5;
		break;
	default:
		se = sqrt(4.0 / 9.0 * pow(mu0, 1.0 / 3.0) * tau);
		ex = 2.0 / 3.0;
		break;
	}
	double z = stats_qnorm(1.0 - o->alpha);
	double c = pow(mu0, ex);
	double lo = pow(c - z * se, 1.0 / ex), hi = pow(c + z * se, 1.0 / ex);
	if (isnan(lo) || isnan(hi))
		return isnan(hi) ? lo : hi;
	return fmax(lo, hi);
}

/* algo.farrington.threshold.noufaily: negative binomial (Poisson when
 * phi = 1) quantile at the plug-in mean or at the upper quantile of the
 * mean ("muan"). */
static double far_upper_noufaily(const struct far_pred *p, const struct far_opts *o)
{
	double z = stats_qnorm(1.0 - o->alpha);
	double mq = o->threshold == FAR_THR_NBPLUGIN ? exp(p->fit) : exp(p->fit + p->se * z);
	if (isinf(mq))
		return NAN;
	if (p->phi > 1.0)
		return stats_qnbinom(1.0 - o->alpha, mq / (p->phi - 1.0), 1.0 / p->phi);
	return stats_qpois(1.0 - o->alpha, mq);
}

/* One evaluated period: the model, the threshold, limit54 and the alarm,
 * as the body of farringtonFlexible's loop. */
static void far_point(struct far_work *w, const double *counts, size_t i, const struct far_opts *o,
		      struct ts_point *out)
{
	struct far_pred pred;
	out->expected = NAN;
	out->upperbound = NAN;
	out->alarm = 0;
	out->undecided = 0;
	far_work_data(w, counts, i, o);
	if (far_model(w, i, o, &pred) != 0) {
		out->undecided = 1; /* R: upperbound and alarm NA (its expected stays 0) */
		return;
	}
	int delta = o->threshold == FAR_THR_DELTA;
	double upper = delta ? far_upper_delta(&pred, o) : far_upper_noufaily(&pred, o);
	double y = counts[i];
	double recent = 0.0;
	for (size_t j = i + 1 - (size_t)o->limit54_weeks; j <= i; j++)
		recent += counts[j];
	if (!(recent >= o->limit54_cases) || isnan(upper))
		return;
	double score = (y - pred.fit) / (upper - pred.fit);
	out->upperbound = upper;
	out->expected = delta ? pred.fit : exp(pred.fit);
	out->alarm = score > 1.0 && y != 0.0;
}

int far_run(const double *counts, size_t n, size_t from, const struct far_opts *o,
	    struct ts_point *out, struct ts_error *err)
{
	int rc = far_opts_check(o, err);
	if (rc != TR_OK)
		return rc;
	rc = far_counts_check(counts, n, err);
	if (rc != TR_OK)
		return rc;
	size_t min = far_min_from(o);
	char msg[160];
	if (n <= min || from < min) {
		snprintf(msg, sizeof msg,
			 "history too short: the first evaluated period needs %zu earlier "
			 "periods (b years and w)",
			 min);
		return ts_fail(err, 0, "count", "%s", msg);
	}
	if (from > n)
		return ts_fail(err, 0, "from", "%s", "from is beyond the end of the series");
	struct far_work w;
	if (far_work_alloc(&w, o) != TR_OK)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < from; i++)
		out[i] = (struct ts_point){
		    .expected = NAN, .upperbound = NAN, .alarm = 0, .undecided = 0};
	for (size_t i = from; i < n; i++)
		far_point(&w, counts, i, o, &out[i]);
	far_work_free(&w);
	return TR_OK;
}
