"""The law, as answer-set rules (*.lp). This package only ships them."""
