"""Generic helpers that know no app of the newsroom: the page cache and purging by tags,
pagination, links, staff commands, database routing, health checks and throttling."""
