-- TPC-DS query 44 ("store sales rank": the ten best and worst performing products of one store by average net
-- profit), the query the Alluxio hybrid-cloud tutorial runs cold, then warm, from the burst cluster.
--
-- Source: TPC-DS specification, query template query44.tpl, with its qualification substitutions (STORE = 4,
-- NULLCOLSS = ss_addr_sk); the same text as Trino's own benchmark copy
-- (trinodb/trino testing/trino-benchto-benchmarks/src/main/resources/sql/presto/tpcds/q44.sql), minus that copy's
-- extra ORDER BY columns. Tables are unqualified: the benchmark runbook passes the catalog and schema to the CLI
-- (--catalog onprem --schema tpcds by default). Tables read: store_sales, item.
SELECT
    asceding.rnk,
    i1.i_product_name AS best_performing,
    i2.i_product_name AS worst_performing
FROM (
    SELECT *
    FROM (
        SELECT item_sk, rank() OVER (ORDER BY rank_col ASC) AS rnk
        FROM (
            SELECT ss_item_sk AS item_sk, avg(ss_net_profit) AS rank_col
            FROM store_sales ss1
            WHERE ss_store_sk = 4
            GROUP BY ss_item_sk
            HAVING avg(ss_net_profit) > 0.9 * (
                SELECT avg(ss_net_profit) AS rank_col
                FROM store_sales
                WHERE ss_store_sk = 4
                  AND ss_addr_sk IS NULL
                GROUP BY ss_store_sk
            )
        ) v1
    ) v11
    WHERE rnk < 11
) asceding,
(
    SELECT *
    FROM (
        SELECT item_sk, rank() OVER (ORDER BY rank_col DESC) AS rnk
        FROM (
            SELECT ss_item_sk AS item_sk, avg(ss_net_profit) AS rank_col
            FROM store_sales ss1
            WHERE ss_store_sk = 4
            GROUP BY ss_item_sk
            HAVING avg(ss_net_profit) > 0.9 * (
                SELECT avg(ss_net_profit) AS rank_col
                FROM store_sales
                WHERE ss_store_sk = 4
                  AND ss_addr_sk IS NULL
                GROUP BY ss_store_sk
            )
        ) v2
    ) v21
    WHERE rnk < 11
) descending,
item i1,
item i2
WHERE asceding.rnk = descending.rnk
  AND i1.i_item_sk = asceding.item_sk
  AND i2.i_item_sk = descending.item_sk
ORDER BY asceding.rnk
LIMIT 100
