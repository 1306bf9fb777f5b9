"""Example scenarios. This package only ships them."""
