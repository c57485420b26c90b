-- 0014_prefix_net: whois asks for every network an address truncates to
-- in one statement (net IN (...), store_resource_covering), so the prefix
-- index leads with net rather than with the length.
DROP INDEX resources_prefix;
CREATE INDEX resources_prefix ON resources (family, net, plen) WHERE net IS NOT NULL;
