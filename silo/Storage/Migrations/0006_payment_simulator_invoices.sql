-- 0006_payment_simulator_invoices: the simulated gateway keeps the invoice each charge pays (as a real gateway keeps a
-- charge's metadata) and lists an invoice's charges, so an invoice finds a charge whose answer it never recorded.

ALTER TABLE public.payment_simulator_charges ADD COLUMN invoice_key text NOT NULL DEFAULT '';
CREATE INDEX payment_simulator_charges_invoice ON public.payment_simulator_charges (invoice_key, created_at);
