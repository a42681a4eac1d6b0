-- Deadlines per service (issue 18): a service may carry its own time to
-- acknowledge a referral (hours) and to make first contact (days); NULL
-- takes the default of its type (72 hours, 7 days; a diversion panel 36
-- hours). Urgent and emergency referrals keep their shorter deadlines.
ALTER TABLE services ADD COLUMN ack_hours BIGINT;
ALTER TABLE services ADD COLUMN first_contact_days BIGINT;
