-- The organisation's postal address: the letterhead of its letters as PDF, and (its last line's town) the place in their
-- date line. Optional: an organisation that never prints a letter need not give one.
ALTER TABLE organisations ADD COLUMN postal_address text CHECK (length(postal_address) BETWEEN 1 AND 500);
