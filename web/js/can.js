// What the signed-in user may do, from GET /api/v1/me's `can` (the server's
// one permission table): a button shows only when its request will be
// allowed. Record rules (own organisation, workflow state) come on top.
export const can = (me, resource, action) => !!me?.can?.[resource]?.includes(action);
