"""Running the shop like production: nginx, systemd units, and `make deploy-test`."""
