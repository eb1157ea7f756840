-- The Spot drill's long-running query: TPC-DS query 39 (inventory coefficient of variation per warehouse and item,
-- month over month), the query AWS's post "Query big data with resilience using Trino in Amazon EMR with Amazon EC2
-- Spot Instances for less cost" runs while FIS interrupts the Spot task nodes (d_year 1999, months 4 and 5, as in the
-- post). Source: TPC-DS specification, query template query39.tpl (part a); Trino's benchmark copy is
-- trinodb/trino testing/trino-benchto-benchmarks/src/main/resources/sql/presto/tpcds/q39.sql.
-- The post reads the generated tpcds.sf100 catalog; here the tables are unqualified and read from the on-prem data
-- that prepare_data copies (inventory, item, warehouse, date_dim), so that it outlasts the drill at scale factor 100.
WITH inv AS (
    SELECT
        w_warehouse_name,
        w_warehouse_sk,
        i_item_sk,
        d_moy,
        stdev,
        mean,
        CASE mean WHEN 0 THEN NULL ELSE stdev / mean END AS cov
    FROM (
        SELECT
            w_warehouse_name,
            w_warehouse_sk,
            i_item_sk,
            d_moy,
            stddev_samp(inv_quantity_on_hand) AS stdev,
            avg(inv_quantity_on_hand) AS mean
        FROM inventory, item, warehouse, date_dim
        WHERE inv_item_sk = i_item_sk
          AND inv_warehouse_sk = w_warehouse_sk
          AND inv_date_sk = d_date_sk
          AND d_year = 1999
        GROUP BY w_warehouse_name, w_warehouse_sk, i_item_sk, d_moy
    ) foo
    WHERE CASE mean WHEN 0 THEN 0 ELSE stdev / mean END > 1
)
SELECT
    inv1.w_warehouse_sk, inv1.i_item_sk, inv1.d_moy, inv1.mean, inv1.cov,
    inv2.w_warehouse_sk, inv2.i_item_sk, inv2.d_moy, inv2.mean, inv2.cov
FROM inv inv1, inv inv2
WHERE inv1.i_item_sk = inv2.i_item_sk
  AND inv1.w_warehouse_sk = inv2.w_warehouse_sk
  AND inv1.d_moy = 4
  AND inv2.d_moy = 4 + 1
  AND inv1.cov > 1.5
ORDER BY inv1.w_warehouse_sk, inv1.i_item_sk, inv1.d_moy, inv1.mean, inv1.cov, inv2.d_moy, inv2.mean, inv2.cov
