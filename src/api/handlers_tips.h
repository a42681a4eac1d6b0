/** Handlers of the tips module (routes in routes_tips.inc) and the state
 * the module keeps while serving (module_tips.c). */
#ifndef TR_API_HANDLERS_TIPS_H
#define TR_API_HANDLERS_TIPS_H

#include "domain/auth.h"
#include "domain/tip.h"
#include "domain/tip_intake.h"
#include "api/handler.h"
#include "http/http.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct tips_job;
struct rquery;

/** Tips' staff side (list, read, triage), a resource of the mechanism. */
extern const struct api_resource tip_resource;
/** The tip filter of a checked query of tip_resource's filters; the
 * caller's own assignments for mine (who must outlive f). */
void api_tips_filter(const struct rquery *q, const struct caller *who, struct tip_filter *f);

/** Read once at start from the environment (docs/access.md, "Tips"):
 * TRELLIS_SECRET_KEY, TRELLIS_TIP_POW_BITS, TRELLIS_TIP_RATE,
 * TRELLIS_TIP_PENDING_MAX, TRELLIS_TIP_ACK_DAYS. Owned by app->tips. */
struct tips_state {
	unsigned char key[TIP_KEY_LEN];
	int has_key; /* contacts can be accepted */
	struct tip_pow *pow;
	struct auth_throttle *rate; /* tips and sender messages per address */
	int64_t pending_max;
	int64_t ack_days;
	/* the group-commit writer */
	struct db_conn *conn;
	pthread_t thread;
	int running, stop;
	pthread_mutex_t mu;
	pthread_cond_t work; /* on the monotonic clock */
	struct tips_job *head, *tail;
	int queued;	     /* jobs in the queue */
	atomic_int arriving; /* tips being read and checked, not yet queued */
	int writer_waits;    /* 1: for any job; 2: for those arriving */
};

/** Queues a validated tip for the writer thread and waits until the batch
 * holding it is committed (or failed): the answer to the sender comes only
 * after the tip is durable. Returns tip_insert's result. */
int tips_submit(struct tips_state *st, struct tip_new *t);
/** A tip request began (+1) or ended without tips_submit (-1) its reading
 * and checks: the writer gives such tips a moment to join its batch.
 * tips_submit takes its tip off the count itself. */
void tips_arriving(struct tips_state *st, int delta);

HANDLER(api_tips_challenge);
HANDLER(api_tips_submit);
HANDLER(api_tips_receipt);
HANDLER(api_tips_sender_message);
/** A tip's internal notes and its messages to the sender, parts of tips. */
extern const struct api_resource tip_note_resource, tip_message_resource;
HANDLER(api_tips_contact);
HANDLER(api_tips_areas_list);
HANDLER(api_tips_areas_create);
HANDLER(api_tips_bulk);
HANDLER(api_links_list);
extern const struct api_resource link_resource;
HANDLER(api_links_delete);
HANDLER(api_tips_export);
HANDLER(api_problems_export);
HANDLER(api_practices_export);
HANDLER(api_proposals_export);
extern const struct api_resource problem_resource;
#endif
