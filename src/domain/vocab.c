#include "domain/vocab.h"

#include <stddef.h>

const char *const alert_categories[] = {"new_substance",
					"adulterant_or_contamination",
					"overdose_cluster",
					"street_distribution",
					"online_sales",
					"youth_recruitment",
					"trafficking_route",
					"precursor_diversion",
					"other",
					NULL};
const char *const activity_types[] = {"school_prevention",
				      "family_skills",
				      "youth_alternative_activities",
				      "outreach",
				      "awareness_campaign",
				      "police_school_liaison",
				      "community_meeting",
				      "environmental_design",
				      "treatment_referral_programme",
				      "diversion_programme",
				      "training",
				      "other",
				      NULL};
const char *const activity_statuses[] = {"planned", "active", "completed", "cancelled", NULL};
const char *const activity_genders[] = {"female", "male", "all", NULL};
const char *const activity_settings[] = {"school", "family",	"community", "nightlife",
					 "online", "workplace", NULL};
