"""Cases: scenarios with the answers the engine must give (run by `fto check` and pytest). This package only ships them."""
