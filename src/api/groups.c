#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a create and a change (req: required on create); the
 * members are given whole on create, added and removed on a change. */
#define GROUP_FIELDS(req)                                                                          \
	{"name", V_STRING, req, 1, 200, NULL, 0}, {"description", V_STRING, 0, 0, 2000, NULL, 0},  \
	{                                                                                          \
		"members_can_add", V_BOOL, 0, 0, 0, NULL, 0                                        \
	}

static const struct vfield group_spec[] = {
    GROUP_FIELDS(1),
    {"members", V_UUIDS, 0, 0, 0, NULL, 0},
};

static const struct vfield group_patch_spec[] = {
    GROUP_FIELDS(0),
    {"add_members", V_UUIDS, 0, 0, 0, NULL, 0},
    {"remove_members", V_UUIDS, 0, 0, 0, NULL, 0},
};

RESOURCE_CRUD(group_resource, "sharing group", "sharing groups", RES_SHARING_GROUP, group,
	      RES_CREATE(group_spec), RES_PATCH(group_patch_spec), .cursor_uuid = 1,
	      .list_ids = group_list, .forbidden = "your role may not create sharing groups");
