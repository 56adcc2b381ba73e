"""Orders: what was sold, to whom, its status history, payments, refunds and emails."""
