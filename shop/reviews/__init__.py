"""Verified-purchase product reviews: submitted by buyers, checked for claims, moderated by staff."""
