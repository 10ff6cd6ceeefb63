"""Plan portal: read spec-kit plans into one model, check them and publish them."""

__version__ = "0.1.0"
