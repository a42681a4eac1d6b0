#include "http/problem.h"
#include "core/err.h"
#include "http/messages.h"

static const struct {
	int status;
	const char *slug;
	const char *title[MSG__LANGS];
} table[TR_ERR__MAX] = {
    [TR_OK] = {200, "ok", {"OK", "OK", "OK"}},
    [TR_ERR_NOMEM] = {503,
		      "unavailable",
		      {"The server is short of memory; try again",
		       "Le serveur manque de mémoire ; réessayez",
		       "На сервере не хватает памяти; попробуйте ещё раз"}},
    [TR_ERR_INVALID] = {400,
			"validation",
			{"The request has invalid fields",
			 "La requête contient des champs invalides",
			 "В запросе есть недопустимые поля"}},
    [TR_ERR_JSON] = {400,
		     "malformed-json",
		     {"The body is not well-formed JSON", "Le corps n'est pas du JSON bien formé",
		      "Тело запроса — неправильный JSON"}},
    [TR_ERR_UNAUTH] = {401,
		       "unauthenticated",
		       {"Authentication is required", "Une authentification est requise",
			"Требуется вход"}},
    [TR_ERR_FORBIDDEN] = {403,
			  "forbidden",
			  {"You may not do this", "Vous ne pouvez pas faire ceci",
			   "Вам это не разрешено"}},
    [TR_ERR_NOT_FOUND] = {404, "not-found", {"Not found", "Introuvable", "Не найдено"}},
    [TR_ERR_METHOD] = {405,
		       "method-not-allowed",
		       {"Method not allowed", "Méthode non permise", "Метод не разрешён"}},
    [TR_ERR_CONFLICT] = {409,
			 "conflict",
			 {"The request conflicts with the current state",
			  "La requête est en conflit avec l'état actuel",
			  "Запрос противоречит текущему состоянию"}},
    [TR_ERR_PRECONDITION] = {412,
			     "stale",
			     {"The record changed since you read it",
			      "L'enregistrement a changé depuis votre lecture",
			      "Запись изменилась после того, как вы её прочитали"}},
    [TR_ERR_PRECOND_REQUIRED] = {428,
				 "if-match-required",
				 {"If-Match is required", "If-Match est requis",
				  "Требуется If-Match"}},
    [TR_ERR_TOO_LARGE] = {413,
			  "too-large",
			  {"The body is too large", "Le corps est trop volumineux",
			   "Тело запроса слишком велико"}},
    [TR_ERR_MEDIA_TYPE] = {415,
			   "unsupported-media-type",
			   {"The body must be application/json",
			    "Le corps doit être application/json",
			    "Тело запроса должно быть application/json"}},
    [TR_ERR_RATE_LIMIT] = {429,
			   "rate-limited",
			   {"Too many requests", "Trop de requêtes", "Слишком много запросов"}},
    [TR_ERR_DB] = {500,
		   "database",
		   {"A database error occurred", "Une erreur de base de données s'est produite",
		    "Произошла ошибка базы данных"}},
    [TR_ERR_IO] = {500,
		   "io",
		   {"An input/output error occurred", "Une erreur d'entrée/sortie s'est produite",
		    "Произошла ошибка ввода-вывода"}},
    [TR_ERR_UNAVAILABLE] = {503,
			    "unavailable",
			    {"The service is not available", "Le service n'est pas disponible",
			     "Сервис недоступен"}},
    [TR_ERR_INTERNAL] = {500,
			 "internal",
			 {"An internal error occurred", "Une erreur interne s'est produite",
			  "Произошла внутренняя ошибка"}},
    [TR_ERR_URI_TOO_LONG] = {414,
			     "uri-too-long",
			     {"The request target is too long",
			      "La cible de la requête est trop longue",
			      "Адрес запроса слишком длинный"}},
    [TR_ERR_FIELDS_TOO_LARGE] = {431,
				 "headers-too-large",
				 {"The request header fields are too large",
				  "Les en-têtes de la requête sont trop volumineux",
				  "Заголовки запроса слишком велики"}},
    [TR_ERR_RANGE] = {416,
		      "range-not-satisfiable",
		      {"The requested range cannot be served",
		       "La plage demandée ne peut être servie",
		       "Запрошенный диапазон не может быть отдан"}},
};

int problem_status(int rc)
{
	if (rc <= 0 || rc >= TR_ERR__MAX || !table[rc].status)
		return 500;
	return table[rc].status;
}

void problem_write(struct buf *out, int rc, int lang, const char *detail, const char *code,
		   const char *const *fields, const char *const *codes, const char *const *messages,
		   int nerr)
{
	if (rc <= 0 || rc >= TR_ERR__MAX || !table[rc].status)
		rc = TR_ERR_INTERNAL;
	if (lang < 0 || lang >= MSG__LANGS)
		lang = MSG_EN;
	buf_printf(out, "{\"type\":\"/problems/%s\",\"title\":", table[rc].slug);
	buf_json_str(out, table[rc].title[lang]);
	buf_printf(out, ",\"status\":%d,\"detail\":", table[rc].status);
	buf_json_str(out, detail ? detail : tr_strerror(rc));
	if (code) {
		buf_puts(out, ",\"code\":");
		buf_json_str(out, code);
	}
	buf_puts(out, ",\"errors\":[");
	for (int i = 0; i < nerr; i++) {
		buf_puts(out, i ? ",{\"field\":" : "{\"field\":");
		buf_json_str(out, fields[i]);
		buf_puts(out, ",\"code\":");
		buf_json_str(out, codes && codes[i] ? codes[i] : "invalid");
		buf_puts(out, ",\"message\":");
		buf_json_str(out, messages[i]);
		buf_puts(out, "}");
	}
	buf_puts(out, "]}");
}
