/** Federation while serving (module_fed.c): this node's identity, the
 * long-poll of GET /fed/v1/changes, and one puller thread per peer; and
 * the handlers of routes_fed.inc (fed.c). */
#ifndef TR_API_HANDLERS_FED_H
#define TR_API_HANDLERS_FED_H

#include "api/app.h"
#include "domain/fed.h"
#include "api/handler.h"
#include "http/http.h"

#include <pthread.h>
#include <stdatomic.h>

struct fed_worker;

/** Owned by app->fed; NULL when federation is off (no data key). */
struct fed_state {
	struct fed_node me;
	struct db *db;
	int64_t retry_ms; /* after a failed pull (TRELLIS_FED_RETRY_MS) */
	int wait_s;	  /* the long-poll asked of peers (TRELLIS_FED_WAIT_S) */
	int bundle_max;	  /* records per answer (TRELLIS_FED_BUNDLE) */
	atomic_int stop;
	pthread_t manager;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t cv;	    /* wakes sleepers on stop */
	struct fed_worker *workers; /* one per peer, under mu */
};

/** Starts federation: loads (or makes) the node identity and the pullers.
 * Without TRELLIS_SECRET_KEY federation stays off (a log line says so)
 * and /fed/v1 answers 404. */
int fed_module_start(struct app *app, char *err, size_t errlen);
/** Tells the long-polls and pullers to end (before the HTTP server stops,
 * which waits for the requests in flight). */
void fed_module_quiesce(struct app *app);
void fed_module_stop(struct app *app);

HANDLER(api_fed_changes);
HANDLER(api_fed_node);
HANDLER(api_fed_peers_list);
HANDLER(api_fed_peer_preview);
HANDLER(api_alerts_received_by);
/** GET .../{id}/received-by of the route's resource (practice, proposal,
 * activity): the peers that received the record, for its organisation. */
HANDLER(api_fed_received_by);
/** GET /api/v1/alerts/{id}/sightings/{sighting_id}/received-by, .../comments/
 * {comment_id}/received-by and /api/v1/proposals/{id}/endorsements/{org_id}/
 * received-by: the peers that received the part, for the organisation that
 * made it. */
HANDLER(api_sightings_received_by);
HANDLER(api_comments_received_by);
HANDLER(api_endorsements_received_by);

#endif
