"""Trygg: crime-prevention work for Swedish municipalities (Lag 2023:196)."""
