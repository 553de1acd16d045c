"""A price file for the shaped test provider (read through ``ProviderSpec.prices``)."""
