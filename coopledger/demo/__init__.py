"""The demonstration books ``coopledger demo`` builds: the story as data (:mod:`.story`) and the
code that books it through the services (:mod:`.build`)."""
