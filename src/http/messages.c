#include "http/messages.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct msg {
	const char *code;
	const char *text[MSG__LANGS];
};

/* Grouped by kind; the first entry of a code is its template for the
 * browser (msg_template). Keep {n} in every translation of a pattern. */
static const struct msg catalog[] = {
    /* the field validators of src/api/validate.c */
    {"required", {"is required", "est obligatoire", "обязательно"}},
    {"too_long",
     {"must be at most {0} characters long", "doit compter au plus {0} caractères",
      "должно содержать не более {0} символов"}},
    {"empty", {"must not be empty", "ne doit pas être vide", "не может быть пустым"}},
    {"too_short",
     {"must be at least {0} characters long", "doit compter au moins {0} caractères",
      "должно содержать не менее {0} символов"}},
    {"not_one_of",
     {"must be one of: {0}", "doit être l'une de ces valeurs : {0}",
      "должно быть одним из значений: {0}"}},
    {"not_in_range",
     {"must be an integer from {0} to {1}", "doit être un nombre entier de {0} à {1}",
      "должно быть целым числом от {0} до {1}"}},
    {"not_in_range",
     {"must be a number from {0} to {1}", "doit être un nombre de {0} à {1}",
      "должно быть числом от {0} до {1}"}},
    {"not_a_string", {"must be a string", "doit être un texte", "должно быть текстом"}},
    {"control_characters",
     {"must not contain control characters", "ne doit pas contenir de caractères de contrôle",
      "не должно содержать управляющих символов"}},
    {"not_a_boolean",
     {"must be true or false", "doit valoir vrai ou faux", "должно быть true или false"}},
    {"not_an_id",
     {"must be an id (UUID)", "doit être un identifiant (UUID)",
      "должно быть идентификатором (UUID)"}},
    {"not_a_country",
     {"must be an ISO 3166-1 alpha-2 code", "doit être un code pays ISO 3166-1 alpha-2",
      "должно быть кодом страны ISO 3166-1 alpha-2"}},
    {"not_a_country",
     {"must be an ISO 3166-1 alpha-2 code (upper case)",
      "doit être un code pays ISO 3166-1 alpha-2 (en majuscules)",
      "должно быть кодом страны ISO 3166-1 alpha-2 (заглавными буквами)"}},
    {"not_a_time",
     {"must be an RFC 3339 date-time", "doit être une date et heure RFC 3339",
      "должно быть датой и временем в формате RFC 3339"}},
    {"not_a_time",
     {"must be an RFC 3339 date-time or a date", "doit être une date et heure RFC 3339 ou une date",
      "должно быть датой и временем RFC 3339 или датой"}},
    {"not_a_time",
     {"must be a date or an RFC 3339 date-time", "doit être une date ou une date et heure RFC 3339",
      "должно быть датой или датой и временем RFC 3339"}},
    {"not_an_email",
     {"must be an email address", "doit être une adresse électronique",
      "должно быть адресом электронной почты"}},
    {"too_many_items",
     {"must be an array of at most 100 items", "doit être une liste d'au plus 100 éléments",
      "должно быть списком не более чем из 100 элементов"}},
    {"not_an_object", {"must be an object", "doit être un objet", "должно быть объектом"}},
    {"not_an_array", {"must be an array", "doit être une liste", "должно быть списком"}},
    {"unknown_field",
     {"is not a field of this resource", "n'est pas un champ de cette ressource",
      "не является полем этого ресурса"}},
    {"not_null", {"must not be null", "ne doit pas être nul", "не может быть null"}},
    {"nothing_changed",
     {"the body changes nothing", "la requête ne change rien", "запрос ничего не меняет"}},
    {"invalid", {"is not valid", "n'est pas valide", "недопустимое значение"}},
    {"not_one_of",
     {"is not one of the allowed values", "n'est pas une des valeurs permises",
      "не входит в число допустимых значений"}},
    {"wrong_type",
     {"has a wrong type or length", "a un type ou une longueur incorrects",
      "имеет неверный тип или длину"}},

    /* query parameters and lists */
    {"unknown_parameter",
     {"unknown query parameter", "paramètre de requête inconnu", "неизвестный параметр запроса"}},
    {"bad_cursor",
     {"is not a cursor this server issued", "n'est pas un curseur délivré par ce serveur",
      "не является курсором, выданным этим сервером"}},
    {"not_in_range",
     {"must be an integer from 1 to 500", "doit être un nombre entier de 1 à 500",
      "должно быть целым числом от 1 до 500"}},
    {"not_in_range",
     {"must be an integer from 0 to 3650", "doit être un nombre entier de 0 à 3650",
      "должно быть целым числом от 0 до 3650"}},
    {"not_in_range",
     {"must be an integer from 1 to 52", "doit être un nombre entier de 1 à 52",
      "должно быть целым числом от 1 до 52"}},
    {"not_in_range",
     {"must be an integer from 1 to 520", "doit être un nombre entier de 1 à 520",
      "должно быть целым числом от 1 до 520"}},
    {"not_in_range",
     {"must be a number from -180 to 180", "doit être un nombre de -180 à 180",
      "должно быть числом от -180 до 180"}},
    {"not_in_range",
     {"must be a number from -90 to 90", "doit être un nombre de -90 à 90",
      "должно быть числом от -90 до 90"}},
    {"not_in_range",
     {"must be a number from 10 to 1000000", "doit être un nombre de 10 à 1000000",
      "должно быть числом от 10 до 1000000"}},
    {"not_in_range",
     {"must be a number above 0, at most 2000", "doit être un nombre supérieur à 0, au plus 2000",
      "должно быть числом больше 0 и не более 2000"}},
    {"not_in_range",
     {"must be a whole number from 1", "doit être un nombre entier à partir de 1",
      "должно быть целым числом не меньше 1"}},
    {"length",
     {"must be 1 to 200 characters", "doit compter de 1 à 200 caractères",
      "должно содержать от 1 до 200 символов"}},
    {"too_long",
     {"must be text of at most 10000 characters", "doit être un texte d'au plus 10000 caractères",
      "должно быть текстом не длиннее 10000 символов"}},
    {"too_long",
     {"must be text of at most 300 characters", "doit être un texte d'au plus 300 caractères",
      "должно быть текстом не длиннее 300 символов"}},
    {"not_one_of",
     {"must be json, csv or geojson", "doit être json, csv ou geojson",
      "должно быть json, csv или geojson"}},
    {"not_one_of",
     {"must list alert, substance or practice", "doit citer alert, substance ou practice",
      "должно перечислять alert, substance или practice"}},
    {"not_one_of",
     {"must be participating_state, asian_partner or mediterranean_partner",
      "doit être participating_state, asian_partner ou mediterranean_partner",
      "должно быть participating_state, asian_partner или mediterranean_partner"}},
    {"bad_bbox",
     {"must be min_lon,min_lat,max_lon,max_lat", "doit être min_lon,min_lat,max_lon,max_lat",
      "должно иметь вид min_lon,min_lat,max_lon,max_lat"}},
    {"bad_bbox",
     {"must be min_lon,min_lat,max_lon,max_lat with min below max, longitudes within 180 and "
      "latitudes within 90",
      "doit être min_lon,min_lat,max_lon,max_lat, le minimum sous le maximum, les longitudes "
      "entre -180 et 180, les latitudes entre -90 et 90",
      "должно иметь вид min_lon,min_lat,max_lon,max_lat: минимум меньше максимума, долготы в "
      "пределах 180, широты в пределах 90"}},
    {"bad_period", {"must be after from", "doit être postérieur à from", "должно быть позже from"}},
    {"bad_period",
     {"must not be before from", "ne doit pas précéder from", "не может быть раньше from"}},
    {"in_future",
     {"must not be in the future", "ne doit pas être dans le futur", "не может быть в будущем"}},
    {"too_many_records",
     {"too many records: narrow from, to, bbox or country",
      "trop d'enregistrements : resserrez from, to, bbox ou country",
      "слишком много записей: сузьте from, to, bbox или country"}},
    {"too_many_records",
     {"more than 20000 events: narrow from, to, bbox or country",
      "plus de 20000 événements : resserrez from, to, bbox ou country",
      "более 20000 событий: сузьте from, to, bbox или country"}},
    {"too_many_records",
     {"the series would be longer than 5000 periods", "la série compterait plus de 5000 périodes",
      "ряд был бы длиннее 5000 периодов"}},
    {"bad_grid",
     {"the area holds a single cell: make cell_km smaller or bbox larger",
      "la zone ne contient qu'une cellule : réduisez cell_km ou agrandissez bbox",
      "в области только одна ячейка: уменьшите cell_km или увеличьте bbox"}},
    {"bad_grid",
     {"the area holds more than 100000 cells: make cell_km larger or bbox smaller",
      "la zone contient plus de 100000 cellules : augmentez cell_km ou réduisez bbox",
      "в области более 100000 ячеек: увеличьте cell_km или уменьшите bbox"}},
    {"no_search_word",
     {"has no word to search for", "ne contient aucun mot à chercher",
      "не содержит слов для поиска"}},
    {"required",
     {"is required: up to 500 characters to search for",
      "est obligatoire : jusqu'à 500 caractères à chercher",
      "обязательно: до 500 символов для поиска"}},
    {"required",
     {"is required: alerts, sightings or tips", "est obligatoire : alerts, sightings ou tips",
      "обязательно: alerts, sightings или tips"}},
    {"required",
     {"is required: an id (UUID)", "est obligatoire : un identifiant (UUID)",
      "обязательно: идентификатор (UUID)"}},
    {"unavailable",
     {"tips are not available on this instance yet",
      "les signalements ne sont pas encore disponibles sur cette instance",
      "сообщения пока недоступны на этом сервере"}},
    {"not_an_ew_field",
     {"is not an early-warning field", "n'est pas un champ d'alerte précoce",
      "не является полем раннего предупреждения"}},

    /* records and references */
    {"not_found", {"not found", "introuvable", "не найдено"}},
    {"not_found", {"no such route", "cette adresse n'existe pas", "такого адреса нет"}},
    {"not_found", {"no such country", "ce pays n'existe pas", "такой страны нет"}},
    {"not_found", {"no such form", "ce formulaire n'existe pas", "такой формы нет"}},
    {"not_found", {"no such file", "ce fichier n'existe pas", "такого файла нет"}},
    {"not_found",
     {"does not name an existing record or is not allowed",
      "ne désigne pas un enregistrement existant ou n'est pas permis",
      "не указывает на существующую запись или недопустимо"}},
    {"not_an_organisation",
     {"must be an organisation id", "doit être l'identifiant d'une organisation",
      "должно быть идентификатором организации"}},
    {"not_an_organisation",
     {"must be a police organisation", "doit être une organisation de police",
      "должно быть полицейской организацией"}},
    {"not_a_substance",
     {"must be a substance id", "doit être l'identifiant d'une substance",
      "должно быть идентификатором вещества"}},
    {"required",
     {"is required (except for international organisations) and must be a known country",
      "est obligatoire (sauf pour les organisations internationales) et doit être un pays connu",
      "обязательно (кроме международных организаций) и должно быть известной страной"}},
    {"taken", {"is already taken", "est déjà pris", "уже занято"}},
    {"conflict",
     {"the request conflicts with an existing record",
      "la requête est en conflit avec un enregistrement existant",
      "запрос противоречит существующей записи"}},
    {"stale",
     {"the record changed since you read it; read it again",
      "l'enregistrement a changé depuis votre lecture ; relisez-le",
      "запись изменилась после того, как вы её прочитали; прочитайте её снова"}},
    {"stale",
     {"If-Match does not name a current version", "If-Match ne désigne pas la version actuelle",
      "If-Match не указывает текущую версию"}},
    {"if_match_required",
     {"send If-Match with the ETag of the record you read",
      "envoyez If-Match avec l'ETag de l'enregistrement lu",
      "отправьте If-Match с ETag прочитанной записи"}},
    {"not_a_location_field",
     {"is not a field of a location", "n'est pas un champ d'un lieu", "не является полем места"}},
    {"bad_location",
     {"give both lat and lon", "indiquez à la fois lat et lon", "укажите и lat, и lon"}},
    {"bad_location",
     {"give lat and lon, or place", "indiquez lat et lon, ou un lieu",
      "укажите lat и lon или место"}},
    {"bad_location",
     {"has a field that is not lat, lon, radius_m or place_name",
      "contient un champ autre que lat, lon, radius_m ou place_name",
      "содержит поле, кроме lat, lon, radius_m или place_name"}},
    {"bad_import",
     {"must be an alert object, as exported", "doit être un objet d'alerte, tel qu'exporté",
      "должно быть объектом оповещения в виде экспорта"}},
    {"bad_import",
     {"the body must be {\"items\": [...]} with at least one alert, as exported",
      "la requête doit être {\"items\": [...]} avec au moins une alerte, telle qu'exportée",
      "тело должно иметь вид {\"items\": [...]} хотя бы с одним оповещением, как при экспорте"}},
    {"bad_import",
     {"{0} problem(s) in {1} data row(s); nothing was imported",
      "{0} problème(s) dans {1} ligne(s) de données ; rien n'a été importé",
      "проблем: {0}, строк данных: {1}; ничего не импортировано"}},
    {"bad_import", {"nothing was imported", "rien n'a été importé", "ничего не импортировано"}},
    {"bad_format",
     {"must be an array of {lang, name}", "doit être une liste de {lang, name}",
      "должно быть списком {lang, name}"}},
    {"bad_format",
     {"must be at most 100 responses", "doit compter au plus 100 réponses",
      "должно содержать не более 100 ответов"}},
    {"bad_format",
     {"must be {text (1 to 5000 characters), started_at (optional date-time)}",
      "doit être {text (1 à 5000 caractères), started_at (date et heure facultatives)}",
      "должно иметь вид {text (от 1 до 5000 символов), started_at (необязательные дата и время)}"}},
    {"bad_format",
     {"holds offender, target and place, each text of at most 10000 characters",
      "contient offender, target et place, chacun un texte d'au plus 10000 caractères",
      "содержит offender, target и place, каждое — текст не длиннее 10000 символов"}},
    {"too_large",
     {"the export is too large", "l'export est trop volumineux", "экспорт слишком велик"}},

    /* sign-in, passwords and permissions */
    {"bad_credentials",
     {"the email or the password is wrong", "l'adresse électronique ou le mot de passe est faux",
      "неверный адрес электронной почты или пароль"}},
    {"unauthenticated",
     {"sign in, or send a valid API token", "connectez-vous ou envoyez un jeton d'API valide",
      "войдите или отправьте действующий токен API"}},
    {"csrf",
     {"X-CSRF-Token is missing or does not match the session",
      "X-CSRF-Token manque ou ne correspond pas à la session",
      "X-CSRF-Token отсутствует или не соответствует сеансу"}},
    {"rate_limited",
     {"too many failed sign-ins from your address; try later",
      "trop de connexions échouées depuis votre adresse ; réessayez plus tard",
      "слишком много неудачных попыток входа с вашего адреса; попробуйте позже"}},
    {"bad_password",
     {"the current password is wrong", "le mot de passe actuel est faux",
      "текущий пароль неверен"}},
    {"bad_password",
     {"is not your current password", "n'est pas votre mot de passe actuel",
      "не является вашим текущим паролем"}},
    {"required",
     {"is required to change your own password",
      "est obligatoire pour changer votre propre mot de passe",
      "обязательно для смены собственного пароля"}},
    {"not_allowed",
     {"is only sent with a new password for yourself",
      "ne s'envoie qu'avec un nouveau mot de passe pour vous-même",
      "отправляется только с новым паролем для себя"}},
    {"forbidden",
     {"you may not reset your own password",
      "vous ne pouvez pas réinitialiser votre propre mot de passe",
      "вы не можете сбросить собственный пароль"}},
    {"forbidden",
     {"you may change only your own password here",
      "ici, vous ne pouvez changer que votre propre mot de passe",
      "здесь можно сменить только собственный пароль"}},
    {"forbidden",
     {"another user's password is reset with POST /api/v1/users/{id}/password-reset",
      "le mot de passe d'un autre utilisateur se réinitialise par POST "
      "/api/v1/users/{id}/password-reset",
      "пароль другого пользователя сбрасывается через POST /api/v1/users/{id}/password-reset"}},
    {"forbidden",
     {"your own password is changed with PATCH /api/v1/users/{id} and current_password",
      "votre propre mot de passe se change par PATCH /api/v1/users/{id} avec current_password",
      "собственный пароль меняется через PATCH /api/v1/users/{id} с current_password"}},
    {"forbidden",
     {"only an administrator, or an organisation administrator for a user of their "
      "organisation, resets a password",
      "seul un administrateur, ou l'administrateur d'une organisation pour ses utilisateurs, "
      "réinitialise un mot de passe",
      "сбросить пароль может только администратор или администратор организации для её "
      "пользователей"}},
    {"forbidden",
     {"you may create users of your own organisation only, and no instance administrators",
      "vous ne pouvez créer que des utilisateurs de votre organisation, et aucun administrateur "
      "d'instance",
      "вы можете создавать только пользователей своей организации и не администраторов "
      "сервера"}},
    {"forbidden",
     {"you may not change this", "vous ne pouvez pas modifier ceci", "вы не можете это изменить"}},
    {"forbidden",
     {"this API token is read-only", "ce jeton d'API est en lecture seule",
      "этот токен API только для чтения"}},
    {"forbidden",
     {"your role or organisation does not allow this",
      "votre rôle ou votre organisation ne le permet pas",
      "ваша роль или организация этого не позволяет"}},
    {"forbidden",
     {"your role may not {0}", "votre rôle ne permet pas de faire ceci ({0})",
      "ваша роль не позволяет это сделать ({0})"}},
    {"forbidden",
     {"only instance administrators add organisations",
      "seuls les administrateurs de l'instance ajoutent des organisations",
      "добавлять организации могут только администраторы сервера"}},
    {"forbidden",
     {"only instance administrators change organisations",
      "seuls les administrateurs de l'instance modifient les organisations",
      "изменять организации могут только администраторы сервера"}},
    {"forbidden",
     {"only instance administrators read the audit log",
      "seuls les administrateurs de l'instance lisent le journal d'audit",
      "журнал аудита читают только администраторы сервера"}},
    {"forbidden",
     {"only organisation administrators declare their own area",
      "seuls les administrateurs d'une organisation déclarent sa zone",
      "свою территорию указывают только администраторы организации"}},
    {"forbidden",
     {"only published alerts can be sighted", "seules les alertes publiées peuvent être observées",
      "отметить наблюдение можно только для опубликованных оповещений"}},
    {"forbidden",
     {"only the addressed organisation's administrators, analysts and officers may acknowledge "
      "or dismiss a signal",
      "seuls les administrateurs, analystes et agents de l'organisation destinataire peuvent "
      "prendre en compte ou écarter un signal",
      "подтвердить или отклонить сигнал могут только администраторы, аналитики и сотрудники "
      "организации-адресата"}},
    {"forbidden",
     {"only the receiving organisation may read the contact",
      "seule l'organisation destinataire peut lire le contact",
      "контакт может прочитать только организация-получатель"}},
    {"forbidden",
     {"only the receiving organisation's triage roles may do this",
      "seuls les rôles de tri de l'organisation destinataire peuvent le faire",
      "это могут делать только роли сортировки организации-получателя"}},

    /* tips and receipts */
    {"not_a_receipt_code",
     {"is not a receipt code (10 letters and digits)",
      "n'est pas un code de reçu (10 lettres et chiffres)",
      "не является кодом квитанции (10 букв и цифр)"}},
    {"not_a_receipt_secret",
     {"is not a receipt secret", "n'est pas un secret de reçu", "не является секретом квитанции"}},
    {"required",
     {"is required: the secret of the receipt", "est obligatoire : le secret du reçu",
      "обязательно: секрет квитанции"}},
    {"not_found",
     {"no tip has this receipt", "aucun signalement n'a ce reçu",
      "нет сообщения с такой квитанцией"}},
    {"closed",
     {"this tip is closed; send a new tip", "ce signalement est clos ; envoyez-en un nouveau",
      "это сообщение закрыто; отправьте новое"}},
    {"full",
     {"this tip holds as many messages as it can",
      "ce signalement contient autant de messages qu'il le peut",
      "в этом сообщении уже максимальное число сообщений"}},
    {"no_receiver",
     {"no police organisation receives tips for this country on this server",
      "aucune organisation de police ne reçoit de signalements pour ce pays sur ce serveur",
      "на этом сервере нет полицейской организации, принимающей сообщения по этой стране"}},
    {"rate_limited",
     {"too many submissions from your network; try later",
      "trop d'envois depuis votre réseau ; réessayez plus tard",
      "слишком много отправок из вашей сети; попробуйте позже"}},
    {"rate_limited",
     {"this area has too many tips waiting for review",
      "cette zone a trop de signalements en attente d'examen",
      "в этой области слишком много сообщений, ожидающих рассмотрения"}},
    {"rate_limited",
     {"this area has too many tips waiting for review; try later",
      "cette zone a trop de signalements en attente d'examen ; réessayez plus tard",
      "в этой области слишком много сообщений, ожидающих рассмотрения; попробуйте позже"}},
    {"unavailable",
     {"tip intake is not running", "la réception des signalements est arrêtée",
      "приём сообщений не работает"}},
    {"unavailable",
     {"contact details cannot be accepted now",
      "les coordonnées ne peuvent pas être acceptées pour le moment",
      "контактные данные сейчас не могут быть приняты"}},
    {"unavailable",
     {"the contact cannot be read now", "le contact ne peut pas être lu pour le moment",
      "контакт сейчас не может быть прочитан"}},
    {"unavailable",
     {"cannot be kept safely on this server (it has no TRELLIS_SECRET_KEY); send the tip "
      "without it",
      "ne peut pas être conservé en sécurité sur ce serveur ; envoyez le signalement sans",
      "не может безопасно храниться на этом сервере; отправьте сообщение без него"}},
    {"unavailable",
     {"cannot be decrypted with this server's TRELLIS_SECRET_KEY",
      "ne peut pas être déchiffré avec la clé de ce serveur",
      "не может быть расшифровано ключом этого сервера"}},
    {"required",
     {"is required: why you need the contact (10 to 500 characters)",
      "est obligatoire : pourquoi il vous faut le contact (10 à 500 caractères)",
      "обязательно: зачем вам нужен контакт (от 10 до 500 символов)"}},
    {"retry",
     {"the tip could not be stored; send it again",
      "le signalement n'a pas pu être enregistré ; envoyez-le à nouveau",
      "сообщение не удалось сохранить; отправьте его ещё раз"}},
    {"bad_transition",
     {"cannot move this way (new -> triaged -> assigned -> actioned -> closed, or closed from "
      "any; closed is final)",
      "ne peut pas changer ainsi (nouveau -> trié -> attribué -> traité -> clos, ou clos depuis "
      "tout état ; clos est définitif)",
      "не может так измениться (новое -> разобрано -> назначено -> выполнено -> закрыто, или "
      "закрыто из любого состояния; закрытие окончательно)"}},
    {"required",
     {"is required to close, and only then", "est obligatoire pour clore, et seulement alors",
      "обязательно при закрытии, и только тогда"}},

    /* the reasons by field of the handlers (why[] tables) */
    {"not_an_id", {"must be a UUID", "doit être un UUID", "должно быть UUID"}},
    {"sharing_group",
     {"is required with distribution sharing_group (only then), and your organisation must belong "
      "to the group",
      "est obligatoire avec la diffusion sharing_group (et seulement alors), et votre organisation "
      "doit faire partie du groupe",
      "обязательно при распространении sharing_group (и только тогда), и ваша организация должна "
      "входить в группу"}},
    {"bad_assignee",
     {"must name an active user of the receiving or assigned organisation (assigned needs a user "
      "or an organisation)",
      "doit désigner un utilisateur actif de l'organisation destinataire ou attributaire (une "
      "attribution demande un utilisateur ou une organisation)",
      "должно указывать активного пользователя организации-получателя или назначенной "
      "организации (для назначения нужен пользователь или организация)"}},
    {"bad_assignee",
     {"must be an organisation that sees the tip: widen its distribution first",
      "doit être une organisation qui voit le signalement : élargissez d'abord sa diffusion",
      "должно быть организацией, которая видит сообщение: сначала расширьте его "
      "распространение"}},
    {"not_found",
     {"must name another tip you can see",
      "doit désigner un autre signalement que vous pouvez voir",
      "должно указывать другое сообщение, которое вы видите"}},
    {"forbidden",
     {"must be a distribution, changed only by analysts and organisation administrators of the "
      "receiving organisation",
      "doit être une diffusion, modifiée seulement par les analystes et les administrateurs de "
      "l'organisation destinataire",
      "должно быть видом распространения; его меняют только аналитики и администраторы "
      "организации-получателя"}},
    {"red_federation",
     {"red can never be combined with federation",
      "red ne peut jamais être combiné avec federation", "red никогда не сочетается с federation"}},
    {"red_federation",
     {"is required, and red can never be combined with federation",
      "est obligatoire, et red ne peut jamais être combiné avec federation",
      "обязательно, и red никогда не сочетается с federation"}},
    {"bad_period",
     {"must not be before observed_from", "ne doit pas précéder observed_from",
      "не может быть раньше observed_from"}},
    {"not_found",
     {"names a substance that does not exist", "désigne une substance qui n'existe pas",
      "указывает несуществующее вещество"}},
    {"not_found",
     {"names a country that does not exist", "désigne un pays qui n'existe pas",
      "указывает несуществующую страну"}},
    {"not_found",
     {"names a tip that does not exist or that you cannot see",
      "désigne un signalement qui n'existe pas ou que vous ne pouvez pas voir",
      "указывает сообщение, которого нет или которое вы не видите"}},
    {"not_found",
     {"names an alert that does not exist or that you cannot see",
      "désigne une alerte qui n'existe pas ou que vous ne pouvez pas voir",
      "указывает оповещение, которого нет или которое вы не видите"}},
    {"not_found",
     {"names an organisation that does not exist", "désigne une organisation qui n'existe pas",
      "указывает несуществующую организацию"}},
    {"not_found",
     {"names a practice you cannot see", "désigne une pratique que vous ne pouvez pas voir",
      "указывает практику, которую вы не видите"}},
    {"not_found",
     {"names an activity you cannot see", "désigne une activité que vous ne pouvez pas voir",
      "указывает мероприятие, которое вы не видите"}},
    {"not_found",
     {"must name existing organisations other than your own",
      "doit désigner des organisations existantes autres que la vôtre",
      "должно указывать существующие организации, кроме вашей"}},
    {"required",
     {"is required to retract", "est obligatoire pour retirer", "обязательно для отзыва"}},
    {"required",
     {"are required to reject", "sont obligatoires pour rejeter", "обязательны для отклонения"}},
    {"too_wide",
     {"is required, and a comment's may not be wider than its alert's",
      "est obligatoire, et celle d'un commentaire ne peut pas être plus large que celle de son "
      "alerte",
      "обязательно, и у комментария оно не может быть шире, чем у его оповещения"}},
    {"bad_transition",
     {"cannot move this way (draft -> published -> retracted; retracted is final)",
      "ne peut pas changer ainsi (brouillon -> publiée -> retirée ; retirée est définitif)",
      "не может так измениться (черновик -> опубликовано -> отозвано; отзыв окончателен)"}},
    {"bad_transition",
     {"cannot move this way: the author moves draft <-> submitted and rejected -> draft or "
      "submitted, and changes the content only while draft or rejected; reviews move the rest",
      "ne peut pas changer ainsi : l'auteur passe de brouillon à soumise et retour, de rejetée à "
      "brouillon ou soumise, et ne modifie le contenu qu'en brouillon ou rejetée ; les revues "
      "font le reste",
      "не может так измениться: автор переводит черновик <-> отправлено и отклонено -> черновик "
      "или отправлено и меняет содержание только в черновике или после отклонения; остальное "
      "делают рецензии"}},
    {"bad_transition",
     {"cannot move this way (draft <-> open, verified -> agreed -> implemented, closed from any; a "
      "reviewer verifies an open proposal; drafts and closed proposals take no endorsements)",
      "ne peut pas changer ainsi (brouillon <-> ouverte, vérifiée -> convenue -> mise en œuvre, "
      "close depuis tout état ; un relecteur vérifie une proposition ouverte ; brouillons et "
      "propositions closes ne reçoivent pas de soutien)",
      "не может так измениться (черновик <-> открыто, проверено -> согласовано -> выполнено, "
      "закрыто из любого состояния; открытое предложение проверяет рецензент; черновики и "
      "закрытые предложения не получают поддержки)"}},
    {"not_a_reviewer",
     {"reviews are by users with the reviewer flag, of another organisation than the author's, "
      "once per round",
      "les revues sont faites par des relecteurs d'une autre organisation que celle de l'auteur, "
      "une fois par tour",
      "рецензии пишут рецензенты другой организации, чем у автора, по одной за раунд"}},
    {"not_a_reviewer",
     {"reviews are by users with the reviewer flag, of another organisation than the proposer's, "
      "once each",
      "les revues sont faites par des relecteurs d'une autre organisation que celle de l'auteur "
      "de la proposition, une fois chacun",
      "рецензии пишут рецензенты другой организации, чем у автора предложения, каждый по "
      "одной"}},
    {"own_proposal",
     {"an organisation does not endorse its own proposal",
      "une organisation ne soutient pas sa propre proposition",
      "организация не может поддержать собственное предложение"}},
    {"already_endorsed",
     {"your organisation has already endorsed this proposal",
      "votre organisation a déjà soutenu cette proposition",
      "ваша организация уже поддержала это предложение"}},

    {"not_one_of",
     {"is not a distribution", "n'est pas une diffusion", "не является видом распространения"}},
    {"bad_polygon",
     {"must be a closed ring of at least four [lon, lat] positions",
      "doit être un anneau fermé d'au moins quatre positions [lon, lat]",
      "должно быть замкнутым кольцом не менее чем из четырёх точек [lon, lat]"}},
    {"required",
     {"is required with a longitude", "est obligatoire avec une longitude",
      "обязательно вместе с долготой"}},
    {"required",
     {"is required with a latitude", "est obligatoire avec une latitude",
      "обязательно вместе с широтой"}},
    {"bad_location",
     {"needs a point (lat and lon)", "demande un point (lat et lon)", "требует точки (lat и lon)"}},
    {"bad_range",
     {"must not be below age_min", "ne doit pas être inférieur à age_min",
      "не может быть меньше age_min"}},
    {"bad_period",
     {"must be after the start", "doit être postérieur au début", "должно быть позже начала"}},
    {"not_a_currency",
     {"must be an ISO 4217 code such as EUR", "doit être un code ISO 4217 comme EUR",
      "должно быть кодом ISO 4217, например EUR"}},
    {"not_found",
     {"names no practice you can see", "ne désigne aucune pratique que vous pouvez voir",
      "не указывает доступную вам практику"}},
    {"required",
     {"is required to dismiss, and only then", "est obligatoire pour écarter, et seulement alors",
      "обязательно при отклонении, и только тогда"}},
    {"conflict",
     {"a dismissed signal stays dismissed", "un signal écarté le reste",
      "отклонённый сигнал остаётся отклонённым"}},
    {"forbidden",
     {"only analysts and administrators of the owning organisation share a record: other roles "
      "create at distribution organisation or country and change neither distribution, sharing "
      "group nor TLP",
      "seuls les analystes et administrateurs de l'organisation propriétaire partagent un "
      "enregistrement : les autres rôles créent avec la diffusion organisation ou pays et ne "
      "changent ni la diffusion, ni le groupe de partage, ni le TLP",
      "делиться записью могут только аналитики и администраторы организации-владельца: другие "
      "роли создают записи с распространением organisation или country и не меняют ни "
      "распространение, ни группу, ни TLP"}},
    {"not_allowed", {"is not allowed", "n'est pas permis", "не допускается"}},

    /* lengths, counts and numbers shared by several modules */
    {"too_long",
     {"must be at most {0} characters", "doit compter au plus {0} caractères",
      "должно содержать не более {0} символов"}},
    {"too_many_items",
     {"must be at most 100", "doit compter au plus 100 éléments",
      "должно содержать не более 100 элементов"}},
    {"too_many_items",
     {"must be at most 50", "doit compter au plus 50 éléments",
      "должно содержать не более 50 элементов"}},
    {"too_many_items",
     {"must be at most 50 links", "doit compter au plus 50 liens",
      "должно содержать не более 50 ссылок"}},
    {"not_in_range",
     {"must be a whole number from {0} to {1}", "doit être un nombre entier de {0} à {1}",
      "должно быть целым числом от {0} до {1}"}},
    {"not_in_range",
     {"must be a whole number in range", "doit être un nombre entier dans les limites permises",
      "должно быть целым числом в допустимых пределах"}},
    {"not_in_range",
     {"is out of range or not a number", "est hors limites ou n'est pas un nombre",
      "вне допустимых пределов или не является числом"}},
    {"not_an_integer",
     {"must be a whole number of years", "doit être un nombre entier d'années",
      "должно быть целым числом лет"}},
    {"not_a_language",
     {"must be an ISO 639-1 code in lower case", "doit être un code ISO 639-1 en minuscules",
      "должно быть кодом ISO 639-1 строчными буквами"}},
    {"not_a_language",
     {"must be ISO 639-1 codes in lower case (\"fr\", \"ru\")",
      "doit être des codes ISO 639-1 en minuscules (« fr », « ru »)",
      "должно быть кодами ISO 639-1 строчными буквами («fr», «ru»)"}},
    {"not_a_language",
     {"must be two-letter language codes", "doit être des codes de langue à deux lettres",
      "должно быть двухбуквенными кодами языков"}},
    {"required",
     {"is required: your organisation has no country",
      "est obligatoire : votre organisation n'a pas de pays",
      "обязательно: у вашей организации не указана страна"}},
    {"required",
     {"is required with the other", "est obligatoire avec l'autre champ",
      "обязательно вместе со вторым полем"}},
    {"required", {"is required with lon", "est obligatoire avec lon", "обязательно вместе с lon"}},
    {"required", {"is required with lat", "est obligatoire avec lat", "обязательно вместе с lat"}},
    {"not_found",
     {"names no organisation", "ne désigne aucune organisation",
      "не указывает ни одной организации"}},
    {"not_found",
     {"must name existing organisations", "doit désigner des organisations existantes",
      "должно указывать существующие организации"}},
    {"not_found",
     {"names a commitment you cannot see", "désigne un engagement que vous ne pouvez pas voir",
      "указывает обязательство, которое вы не видите"}},
    {"not_found",
     {"names a tip you cannot see", "désigne un signalement que vous ne pouvez pas voir",
      "указывает сообщение, которое вы не видите"}},
    {"not_found",
     {"names an alert you cannot see", "désigne une alerte que vous ne pouvez pas voir",
      "указывает оповещение, которое вы не видите"}},
    {"not_found",
     {"names a problem you cannot see", "désigne un problème que vous ne pouvez pas voir",
      "указывает проблему, которую вы не видите"}},
    {"not_found",
     {"names an activity that does not exist or that you cannot see",
      "désigne une activité qui n'existe pas ou que vous ne pouvez pas voir",
      "указывает мероприятие, которого нет или которое вы не видите"}},
    {"forbidden",
     {"your role may not delete these records",
      "votre rôle ne permet pas de supprimer ces enregistrements",
      "ваша роль не позволяет удалять эти записи"}},
    {"has_dependents",
     {"the document still has commitments: delete them first",
      "le document a encore des engagements : supprimez-les d'abord",
      "у документа ещё есть обязательства: сначала удалите их"}},
    {"has_dependents",
     {"the commitment still has assessments: delete them first",
      "l'engagement a encore des évaluations : supprimez-les d'abord",
      "у обязательства ещё есть оценки: сначала удалите их"}},
    {"has_dependents",
     {"actions still link to the commitment: remove the links first",
      "des actions renvoient encore à l'engagement : retirez d'abord ces liens",
      "на обязательство ещё ссылаются действия: сначала уберите эти ссылки"}},
    {"has_dependents",
     {"the event still has outcomes: delete them first",
      "l'événement a encore des résultats : supprimez-les d'abord",
      "у мероприятия ещё есть итоги: сначала удалите их"}},
    {"has_dependents",
     {"the outcome still has actions: delete them first",
      "le résultat a encore des actions : supprimez-les d'abord",
      "у итога ещё есть действия: сначала удалите их"}},
    {"duplicate",
     {"names a session or contribution id twice",
      "désigne deux fois le même identifiant de séance ou de contribution",
      "указывает один и тот же идентификатор сессии или выступления дважды"}},
    {"red_federation",
     {"red is never shared with federation", "red n'est jamais partagé avec federation",
      "red никогда не передаётся в federation"}},

    /* tips in bulk */
    {"empty",
     {"must name at least one tip", "doit désigner au moins un signalement",
      "должно указывать хотя бы одно сообщение"}},
    {"nothing_changed",
     {"give the change: a status, an assignee or an outcome",
      "indiquez la modification : un statut, un attributaire ou une issue",
      "укажите изменение: статус, исполнителя или итог"}},

    /* referrals */
    {"invalid",
     {"a diversion panel receives a referral within 36 hours at most",
      "une commission de dissuasion reçoit un signalement dans les 36 heures au plus",
      "комиссия по альтернативным мерам получает направление не позднее чем через 36 часов"}},
    {"invalid",
     {"must leave time to acknowledge first: at least ack_hours",
      "doit laisser d'abord le temps d'accuser réception : au moins ack_hours",
      "должно оставлять время сначала подтвердить получение: не меньше ack_hours"}},

    {"not_one_of",
     {"names an unknown value", "désigne une valeur inconnue", "указывает неизвестное значение"}},
    {"not_a_date",
     {"must be a date (YYYY-MM-DD)", "doit être une date (AAAA-MM-JJ)",
      "должно быть датой (ГГГГ-ММ-ДД)"}},
    {"bad_date",
     {"must be a date in the past, at most 120 years ago",
      "doit être une date passée, d'il y a au plus 120 ans",
      "должно быть датой в прошлом, не ранее чем 120 лет назад"}},
    {"unavailable",
     {"cannot be sealed or opened: this server has no usable TRELLIS_SECRET_KEY",
      "ne peut être ni scellé ni ouvert : ce serveur n'a pas de clé utilisable "
      "(TRELLIS_SECRET_KEY)",
      "не может быть ни зашифровано, ни открыто: у этого сервера нет пригодного ключа "
      "(TRELLIS_SECRET_KEY)"}},
    {"unavailable",
     {"personal data cannot be handled now",
      "les données personnelles ne peuvent pas être traitées pour le moment",
      "персональные данные сейчас не могут быть обработаны"}},
    {"required",
     {"is required: why you need the personal data (10 to 500 characters)",
      "est obligatoire : pourquoi il vous faut les données personnelles (10 à 500 caractères)",
      "обязательно: зачем вам нужны персональные данные (от 10 до 500 символов)"}},
    {"unknown_field",
     {"names a field that is not given_name, family_name, birth_date, contact, guardian, facts "
      "or notes",
      "désigne un champ autre que given_name, family_name, birth_date, contact, guardian, facts "
      "ou notes",
      "указывает поле, кроме given_name, family_name, birth_date, contact, guardian, facts или "
      "notes"}},
    {"required",
     {"must name at least one of service, sharing, statistics",
      "doit citer au moins l'un de service, sharing, statistics",
      "должно указывать хотя бы одно из service, sharing, statistics"}},
    {"forbidden",
     {"referrals are seen by their two organisations' case workers; your role sees the outcomes",
      "les orientations sont vues par les travailleurs sociaux de leurs deux organisations ; "
      "votre rôle en voit les résultats",
      "направления видят социальные работники двух организаций; вашей роли доступны только "
      "итоги"}},
    {"forbidden",
     {"only the case workers of the two organisations read the person's data",
      "seuls les travailleurs sociaux des deux organisations lisent les données de la personne",
      "данные человека читают только социальные работники двух организаций"}},
    {"forbidden",
     {"the receiving organisation's notes are its own",
      "les notes de l'organisation destinataire n'appartiennent qu'à elle",
      "заметки организации-получателя принадлежат только ей"}},
    {"forbidden",
     {"only an organisation administrator erases personal data",
      "seul un administrateur d'organisation efface les données personnelles",
      "стирать персональные данные может только администратор организации"}},
    {"not_found",
     {"must name an active service of the directory",
      "doit désigner un service actif de l'annuaire",
      "должно указывать действующую услугу из справочника"}},
    {"bad_transition",
     {"cannot move this way: the referring organisation sends and revokes; the receiving one "
      "acknowledges, accepts or rejects, records first contact, engagement and the end",
      "ne peut pas changer ainsi : l'organisation qui oriente envoie et révoque ; celle qui "
      "reçoit accuse réception, accepte ou refuse, puis consigne le premier contact, "
      "l'engagement et la fin",
      "не может так измениться: направляющая организация отправляет и отзывает; принимающая "
      "подтверждает получение, принимает или отклоняет, отмечает первый контакт, вовлечение и "
      "завершение"}},
    {"required",
     {"is required to reject, and only then", "est obligatoire pour refuser, et seulement alors",
      "обязательно при отклонении, и только тогда"}},
    {"required",
     {"is required to complete or end a referral, and only then",
      "est obligatoire pour achever ou clore une orientation, et seulement alors",
      "обязательно при выполнении или завершении направления, и только тогда"}},
    {"no_consent",
     {"no referral is sent without the consent of the person (of a guardian for a minor) to the "
      "service and to sharing with the receiving organisation, or an organisation "
      "administrator's override with a written reason",
      "aucune orientation n'est envoyée sans le consentement de la personne (d'un représentant "
      "légal pour un mineur) au service et au partage avec l'organisation destinataire, ou sans "
      "une dérogation motivée par écrit d'un administrateur d'organisation",
      "направление не отправляется без согласия человека (законного представителя для "
      "несовершеннолетнего) на услугу и на передачу данных организации-получателю либо без "
      "письменно обоснованного решения администратора организации"}},
    {"not_allowed",
     {"is an organisation administrator's, and only when sending",
      "revient à un administrateur d'organisation, et seulement à l'envoi",
      "доступно только администратору организации и только при отправке"}},
    {"not_allowed",
     {"are the receiving organisation's own", "n'appartiennent qu'à l'organisation destinataire",
      "принадлежат только организации-получателю"}},

    /* services */
    {"forbidden",
     {"only organisations that offer services to young people (treatment providers, social "
      "services, schools, youth organisations, civil society, local government, diversion "
      "panels) declare services",
      "seules les organisations qui offrent des services aux jeunes (centres de soins, services "
      "sociaux, écoles, organisations de jeunesse, société civile, collectivités locales, "
      "commissions de déjudiciarisation) déclarent des services",
      "услуги указывают только организации, работающие с молодёжью (лечебные учреждения, "
      "социальные службы, школы, молодёжные организации, гражданское общество, местные власти, "
      "комиссии по альтернативным мерам)"}},

    /* exports */
    {"not_one_of",
     {"must be json, csv, geojson, misp or stix", "doit être json, csv, geojson, misp ou stix",
      "должно быть json, csv, geojson, misp или stix"}},

    /* events */
    {"bad_format",
     {"must be {title, starts_at, ends_at, description, contributions: [{title, abstract, "
      "speakers: [{name, org_id, role}]}]}",
      "doit être de la forme {title, starts_at, ends_at, description, contributions: [{title, "
      "abstract, speakers: [{name, org_id, role}]}]}",
      "должно иметь вид {title, starts_at, ends_at, description, contributions: [{title, "
      "abstract, speakers: [{name, org_id, role}]}]}"}},
    {"bad_period",
     {"must not be before starts_on", "ne doit pas précéder starts_on",
      "не может быть раньше starts_on"}},
    {"not_found",
     {"a speaker's org_id names no organisation",
      "l'org_id d'un intervenant ne désigne aucune organisation",
      "org_id одного из докладчиков не указывает ни одной организации"}},
    {"not_found",
     {"names an event you cannot see", "désigne un événement que vous ne pouvez pas voir",
      "указывает событие, которое вы не видите"}},
    {"not_found",
     {"names no session of the event", "ne désigne aucune séance de l'événement",
      "не указывает ни одной сессии события"}},
    {"not_found",
     {"names no contribution of the session", "ne désigne aucune intervention de la séance",
      "не указывает ни одного выступления сессии"}},
    {"not_found",
     {"names an outcome you cannot see", "désigne un résultat que vous ne pouvez pas voir",
      "указывает итог, который вы не видите"}},
    {"not_found",
     {"names a proposal you cannot see", "désigne une proposition que vous ne pouvez pas voir",
      "указывает предложение, которое вы не видите"}},

    /* analytics */
    {"bad_grid",
     {"the study area holds fewer than 2 cells: make cell_km smaller or bbox larger",
      "la zone d'étude contient moins de 2 cellules : réduisez cell_km ou agrandissez bbox",
      "в изучаемой области меньше 2 ячеек: уменьшите cell_km или увеличьте bbox"}},

    /* places */
    {"required",
     {"is required: the first letters of a place's name",
      "est obligatoire : les premières lettres du nom d'un lieu",
      "обязательно: первые буквы названия места"}},

    /* webhooks */
    {"too_few_items",
     {"must name at least one event type", "doit nommer au moins un type d'événement",
      "должно называть хотя бы один тип события"}},
    {"not_one_of",
     {"holds an unknown event type (alert.published, alert.updated, tip.new)",
      "contient un type d'événement inconnu (alert.published, alert.updated, tip.new)",
      "содержит неизвестный тип события (alert.published, alert.updated, tip.new)"}},
    {"not_a_public_url",
     {"must be an http or https URL whose host resolves to public addresses only (loopback, "
      "private and link-local targets are refused)",
      "doit être une adresse http ou https dont l'hôte ne renvoie qu'à des adresses publiques "
      "(les adresses de bouclage, privées et de lien local sont refusées)",
      "должно быть адресом http или https, хост которого указывает только на публичные адреса "
      "(локальные, частные и link-local адреса не допускаются)"}},
    /* notifications and onboarding */
    {"not_one_of",
     {"holds an unknown category", "contient une catégorie inconnue",
      "содержит неизвестную категорию"}},
    {"not_a_country",
     {"holds a code that is not ISO 3166-1 alpha-2",
      "contient un code qui n'est pas ISO 3166-1 alpha-2",
      "содержит код, не являющийся кодом ISO 3166-1 alpha-2"}},
    {"not_applicable",
     {"does not apply to this record type", "ne s'applique pas à ce type d'élément",
      "не применяется к этому типу записей"}},
    {"not_one_of",
     {"is not a record type one may follow", "n'est pas un type d'élément que l'on peut suivre",
      "не является типом записей, на который можно подписаться"}},
    {"bad_token",
     {"is unknown, already used or expired", "est inconnu, déjà utilisé ou expiré",
      "неизвестен, уже использован или истёк"}},
    {"rate_limited",
     {"too many requests from this address", "trop de requêtes depuis cette adresse",
      "слишком много запросов с этого адреса"}},
    {"bad_location",
     {"must be {lat, lon, radius_m}: lat within 90, lon within 180, radius 1 m to 2000 km",
      "doit être {lat, lon, radius_m} : lat entre -90 et 90, lon entre -180 et 180, rayon de "
      "1 m à 2000 km",
      "должно иметь вид {lat, lon, radius_m}: lat в пределах 90, lon в пределах 180, радиус от "
      "1 м до 2000 км"}},

    /* links between records */
    {"required",
     {"is required: alert, activity, problem or tip",
      "est obligatoire : alert, activity, problem ou tip",
      "обязательно: alert, activity, problem или tip"}},
    {"required",
     {"is required: the id of the record", "est obligatoire : l'identifiant de l'enregistrement",
      "обязательно: идентификатор записи"}},
    {"not_found",
     {"names a record that does not exist or that you cannot see",
      "désigne un enregistrement qui n'existe pas ou que vous ne pouvez pas voir",
      "указывает запись, которой нет или которую вы не видите"}},
    {"not_found",
     {"names a record that does not exist or that you cannot see (and not the record itself)",
      "désigne un enregistrement qui n'existe pas ou que vous ne pouvez pas voir (et pas "
      "l'enregistrement lui-même)",
      "указывает запись, которой нет или которую вы не видите (и не саму эту запись)"}},
    {"forbidden",
     {"you may link or unlink only a record your organisation holds and your role may change",
      "vous ne pouvez lier ou délier qu'un enregistrement que détient votre organisation et que "
      "votre rôle peut modifier",
      "связывать и отвязывать можно только запись вашей организации, которую ваша роль может "
      "изменять"}},

    /* federation */
    {"unauthenticated",
     {"a peer signs its pull (Trellis-Node, Trellis-Time, Trellis-Signature)",
      "un pair signe sa demande (Trellis-Node, Trellis-Time, Trellis-Signature)",
      "узел-партнёр подписывает свой запрос (Trellis-Node, Trellis-Time, Trellis-Signature)"}},
    {"unauthenticated",
     {"the request's time is stale", "l'heure de la requête est périmée",
      "время запроса устарело"}},
    {"unauthenticated", {"unknown node", "nœud inconnu", "неизвестный узел"}},
    {"unauthenticated", {"bad signature", "signature invalide", "неверная подпись"}},
    {"not_found",
     {"federation is off on this instance", "la fédération est désactivée sur cette instance",
      "федерация на этом сервере отключена"}},
    {"not_found", {"no such peer", "ce pair n'existe pas", "такого узла-партнёра нет"}},
    {"forbidden",
     {"only an administrator sees federation", "seul un administrateur voit la fédération",
      "федерацию видит только администратор"}},
    {"forbidden",
     {"only the owning organisation sees who received a record",
      "seule l'organisation propriétaire voit qui a reçu un enregistrement",
      "кто получил запись, видит только организация-владелец"}},

    /* commitments and assessments */
    {"not_a_url",
     {"must be an http or https address", "doit être une adresse http ou https",
      "должно быть адресом http или https"}},
    {"bad_format",
     {"must map language codes (en, fr, ru) to texts of at most 5000 characters",
      "doit associer des codes de langue (en, fr, ru) à des textes d'au plus 5000 caractères",
      "должно сопоставлять кодам языков (en, fr, ru) тексты не длиннее 5000 символов"}},
    {"bad_format",
     {"must map language codes (en, fr, ru) to texts of 1 to 10000 characters",
      "doit associer des codes de langue (en, fr, ru) à des textes de 1 à 10000 caractères",
      "должно сопоставлять кодам языков (en, fr, ru) тексты от 1 до 10000 символов"}},
    {"bad_format",
     {"must be {definition (text or {en, fr, ru}), unit, arq_module}",
      "doit être de la forme {definition (texte ou {en, fr, ru}), unit, arq_module}",
      "должно иметь вид {definition (текст или {en, fr, ru}), unit, arq_module}"}},
    {"bad_format",
     {"must be {type: activity, practice, proposal, alert, event or document; id}",
      "doit être de la forme {type : activity, practice, proposal, alert, event ou document ; id}",
      "должно иметь вид {type: activity, practice, proposal, alert, event или document; id}"}},
    {"unknown_field",
     {"has an unknown field", "contient un champ inconnu", "содержит неизвестное поле"}},
    {"not_a_period",
     {"must be YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM", "doit être AAAA, AAAA-Qn, AAAA-Hn ou AAAA-MM",
      "должно иметь вид ГГГГ, ГГГГ-Qn, ГГГГ-Hn или ГГГГ-ММ"}},
    {"not_allowed",
     {"is the country of the path", "est le pays donné dans l'adresse",
      "это страна, указанная в адресе"}},
    {"not_found",
     {"names a document you cannot see (and cannot change)",
      "désigne un document que vous ne pouvez pas voir (ni modifier)",
      "указывает документ, который вы не видите (и не можете изменить)"}},
    {"not_found",
     {"is not a known country", "n'est pas un pays connu", "не является известной страной"}},
    {"not_found",
     {"links a record you cannot see", "lie un enregistrement que vous ne pouvez pas voir",
      "ссылается на запись, которую вы не видите"}},
    {"forbidden",
     {"a self-assessment is by an organisation of that State; an independent one by a user with "
      "the reviewer flag of another country or an international body",
      "une autoévaluation est faite par une organisation de cet État ; une évaluation "
      "indépendante, par un relecteur d'un autre pays ou d'un organisme international",
      "самооценку проводит организация этого государства; независимую оценку — рецензент из "
      "другой страны или международной организации"}},
    {"conflict",
     {"this State, commitment, period and kind already has an assessment (change it instead), "
      "or the period is not YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM",
      "cet État, cet engagement, cette période et ce type ont déjà une évaluation (modifiez-la "
      "plutôt), ou la période n'est pas AAAA, AAAA-Qn, AAAA-Hn ou AAAA-MM",
      "для этого государства, обязательства, периода и вида уже есть оценка (измените её), "
      "или период не имеет вида ГГГГ, ГГГГ-Qn, ГГГГ-Hn или ГГГГ-ММ"}},
    {"forbidden",
     {"only civil society (the partner role) comments on assessments",
      "seule la société civile (le rôle partner) commente les évaluations",
      "комментировать оценки может только гражданское общество (роль partner)"}},

    /* the HTTP layer */
    {"unsupported_media_type",
     {"Content-Type must be application/json", "Content-Type doit être application/json",
      "Content-Type должен быть application/json"}},
    {"unsupported_media_type",
     {"Content-Type must be text/csv", "Content-Type doit être text/csv",
      "Content-Type должен быть text/csv"}},
    {"malformed_json",
     {"JSON nested too deeply (at most 32 levels)", "JSON trop imbriqué (au plus 32 niveaux)",
      "JSON слишком глубоко вложен (не более 32 уровней)"}},
    {"malformed_json",
     {"the body must be a JSON object", "la requête doit être un objet JSON",
      "тело запроса должно быть объектом JSON"}},
    {"too_large",
     {"the body exceeds 1 MiB", "la requête dépasse 1 Mio", "тело запроса больше 1 МиБ"}},
    {"uri_too_long",
     {"the path and query exceed 8 KiB", "le chemin et la requête dépassent 8 Kio",
      "путь и запрос длиннее 8 КиБ"}},
    {"headers_too_large",
     {"the header fields exceed 16 KiB together", "les en-têtes dépassent ensemble 16 Kio",
      "заголовки вместе больше 16 КиБ"}},
    {"method_not_allowed",
     {"this path does not accept this method", "cette adresse n'accepte pas cette méthode",
      "этот адрес не принимает этот метод"}},
    {"bad_header",
     {"sent more than once with different values",
      "envoyé plusieurs fois avec des valeurs différentes",
      "отправлен несколько раз с разными значениями"}},
    {"bad_header",
     {"sent together with Content-Length", "envoyé avec Content-Length",
      "отправлен вместе с Content-Length"}},
    {"bad_header",
     {"only a single \"chunked\" is accepted", "seul un unique « chunked » est accepté",
      "допускается только одно значение «chunked»"}},
    {"unauthenticated",
     {"send the metrics token: Authorization: Bearer ...",
      "envoyez le jeton des métriques : Authorization: Bearer ...",
      "отправьте токен метрик: Authorization: Bearer ..."}},
    {"out_of_memory",
     {"out of memory", "le serveur manque de mémoire", "на сервере не хватает памяти"}},
    {"database",
     {"the database could not complete the request",
      "la base de données n'a pas pu traiter la requête",
      "база данных не смогла выполнить запрос"}},
    {"unavailable",
     {"the database does not answer", "la base de données ne répond pas",
      "база данных не отвечает"}},
    {"unavailable",
     {"the API description is missing", "la description de l'API manque",
      "описание API отсутствует"}},

    /* tr_strerror, the detail of an error without one */
    {"invalid", {"invalid input", "données invalides", "недопустимые данные"}},
    {"malformed_json", {"malformed JSON", "JSON mal formé", "неправильный JSON"}},
    {"unauthenticated", {"authentication required", "authentification requise", "требуется вход"}},
    {"forbidden", {"forbidden", "interdit", "запрещено"}},
    {"method_not_allowed", {"method not allowed", "méthode non permise", "метод не разрешён"}},
    {"conflict", {"conflict", "conflit", "конфликт"}},
    {"stale", {"precondition failed", "précondition non remplie", "предусловие не выполнено"}},
    {"if_match_required",
     {"precondition required", "précondition requise", "требуется предусловие"}},
    {"too_large", {"payload too large", "contenu trop volumineux", "слишком большой объём данных"}},
    {"unsupported_media_type",
     {"unsupported media type", "type de contenu non pris en charge",
      "неподдерживаемый тип данных"}},
    {"rate_limited", {"too many requests", "trop de requêtes", "слишком много запросов"}},
    {"database", {"database error", "erreur de base de données", "ошибка базы данных"}},
    {"io", {"input/output error", "erreur d'entrée/sortie", "ошибка ввода-вывода"}},
    {"unavailable", {"service unavailable", "service indisponible", "сервис недоступен"}},
    {"internal", {"internal error", "erreur interne", "внутренняя ошибка"}},
    {"uri_too_long", {"URI too long", "URI trop longue", "слишком длинный URI"}},
    {"headers_too_large",
     {"request header fields too large", "en-têtes de requête trop volumineux",
      "слишком большие заголовки запроса"}},
    {"range_not_satisfiable",
     {"range not satisfiable", "plage non satisfaisable", "диапазон не может быть отдан"}},

    /* the audit log's filters (src/api/audit.c, list_export.c) */
    {"not_a_record_id",
     {"must be a record's id: at most 64 letters, digits, - _ : .",
      "doit être l'identifiant d'un enregistrement : au plus 64 lettres, chiffres, - _ : .",
      "должно быть идентификатором записи: не более 64 букв, цифр, - _ : ."}},
    {"not_an_action",
     {"must be an action's name: at most 40 lower-case letters and _",
      "doit être le nom d'une action : au plus 40 lettres minuscules et _",
      "должно быть названием действия: не более 40 строчных букв и _"}},
    {"not_one_of",
     {"must be json or csv: the log has no places",
      "doit être json ou csv : le journal n'a pas de lieux",
      "должно быть json или csv: в журнале нет мест"}},

    /* the map tiles of TRELLIS_TILES (src/api/tiles.c) */
    {"range_not_satisfiable",
     {"must be one range bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX within the file",
      "doit être une seule plage bytes=DÉBUT-FIN, bytes=DÉBUT- ou bytes=-FIN dans le fichier",
      "должен быть одним диапазоном bytes=НАЧАЛО-КОНЕЦ, bytes=НАЧАЛО- или bytes=-ХВОСТ внутри "
      "файла"}},
    {"not_found",
     {"this server has no map tiles", "ce serveur n'a pas de tuiles de carte",
      "на этом сервере нет фрагментов карты"}},
    {"io",
     {"the map tiles cannot be read", "les tuiles de carte sont illisibles",
      "фрагменты карты не читаются"}},
    /* alerts: the drug form (MISP taxonomy drug-form) */
    {"drug_form_twice",
     {"carries two drug-form tags: an alert has one drug form, its primary one; import the "
      "forms as separate events",
      "porte deux étiquettes drug-form : une alerte a une seule forme de drogue, la principale ; "
      "importez les formes en événements distincts",
      "содержит две метки drug-form: у оповещения одна форма наркотика, основная; импортируйте "
      "формы отдельными событиями"}},
};

static const size_t ncatalog = sizeof(catalog) / sizeof(catalog[0]);

static const char *const tags[MSG__LANGS] = {"en", "fr", "ru"};

const char *msg_lang_tag(int lang)
{
	return lang >= 0 && lang < MSG__LANGS ? tags[lang] : "en";
}

/* q-value: "0", "0.8", "1", "1.000"; -1 when malformed */
static double parse_q(const char *s, size_t n)
{
	double q = 0, scale = 1;
	int dot = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
		} else if (isdigit((unsigned char)s[i])) {
			digits++;
			if (dot) {
				scale /= 10;
				q += (s[i] - '0') * scale;
			} else {
				q = q * 10 + (s[i] - '0');
			}
		} else {
			return -1;
		}
	}
	return digits && q <= 1 ? q : -1;
}

int msg_lang_pick(const char *h)
{
	int best = MSG_EN;
	double best_q = 0;
	if (!h)
		return MSG_EN;
	while (*h) {
		size_t n = strcspn(h, ",");
		const char *item = h, *end = h + n;
		h = *end ? end + 1 : end;
		while (item < end && (*item == ' ' || *item == '\t'))
			item++;
		size_t tag = strcspn(item, ";, \t");
		if (item + tag > end)
			tag = (size_t)(end - item);
		double q = 1;
		const char *p = item + tag;
		while (p < end) {
			while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
				p++;
			size_t pl = (size_t)(end - p);
			size_t plen = strcspn(p, ";");
			if (plen > pl)
				plen = pl;
			if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				size_t vl = plen - 2;
				while (vl && (p[2 + vl - 1] == ' ' || p[2 + vl - 1] == '\t'))
					vl--;
				q = parse_q(p + 2, vl);
			}
			p += plen;
		}
		if (q <= 0)
			continue;
		int lang = -1;
		size_t prim = strcspn(item, "-_;, \t");
		if (prim > tag)
			prim = tag;
		for (int l = 0; l < MSG__LANGS; l++)
			if (prim == 2 && strncasecmp(item, tags[l], 2) == 0)
				lang = l;
		if (prim == 1 && item[0] == '*')
			lang = MSG_EN;
		if (lang >= 0 && q > best_q) {
			best = lang;
			best_q = q;
		}
	}
	return best;
}

#define MAXCAP 10

struct caps {
	const char *at[MAXCAP];
	size_t len[MAXCAP];
};

static int is_hole(const char *p)
{
	return p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}';
}

/* Whether s matches pattern p, each hole taking one or more characters
 * (the fewest that let the rest match). */
static int match(const char *p, const char *s, struct caps *c)
{
	while (*p) {
		if (is_hole(p)) {
			int k = p[1] - '0';
			size_t rest = strlen(s);
			for (size_t n = 1; n <= rest; n++) {
				c->at[k] = s;
				c->len[k] = n;
				if (match(p + 3, s + n, c))
					return 1;
			}
			return 0;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *s == '\0';
}

static const struct msg *find(const char *en, struct caps *c)
{
	if (!en)
		return NULL;
	for (size_t i = 0; i < ncatalog; i++) {
		memset(c, 0, sizeof(*c));
		if (match(catalog[i].text[MSG_EN], en, c))
			return &catalog[i];
	}
	return NULL;
}

const char *msg_code(const char *en)
{
	struct caps c;
	const struct msg *m = find(en, &c);
	return m ? m->code : NULL;
}

const char *msg_translate(struct arena *a, const char *en, int lang, const char **code)
{
	struct caps c;
	const struct msg *m = find(en, &c);
	if (code)
		*code = m ? m->code : "invalid";
	if (!m || lang <= MSG_EN || lang >= MSG__LANGS)
		return en;
	const char *t = m->text[lang];
	size_t n = 0;
	for (const char *p = t; *p;)
		if (is_hole(p)) {
			n += c.len[p[1] - '0'];
			p += 3;
		} else {
			n++;
			p++;
		}
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return en;
	char *o = out;
	for (const char *p = t; *p;)
		if (is_hole(p)) {
			int k = p[1] - '0';
			if (c.at[k])
				memcpy(o, c.at[k], c.len[k]);
			o += c.len[k];
			p += 3;
		} else {
			*o++ = *p++;
		}
	*o = '\0';
	return out;
}

const char *msg_template(const char *code, int lang)
{
	if (lang < 0 || lang >= MSG__LANGS)
		lang = MSG_EN;
	for (size_t i = 0; i < ncatalog; i++)
		if (strcmp(catalog[i].code, code) == 0)
			return catalog[i].text[lang];
	return NULL;
}
