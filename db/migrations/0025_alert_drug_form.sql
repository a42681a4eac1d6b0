-- The physical form of the drug an alert is about, one value of the MISP
-- taxonomy drug-form (predicate form): powder, pill-tablet, crystal-rock,
-- liquid, plant-matter, blotter; NULL when not known. The list is checked
-- by the domain (alert_drug_forms), as the category is.
ALTER TABLE alerts ADD COLUMN drug_form TEXT;
