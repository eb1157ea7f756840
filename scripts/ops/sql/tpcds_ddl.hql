-- Hive DDL of the TPC-DS tables the runbooks query, created on the on-prem cluster by prepare_data over the files it
-- copied to HDFS. q44 (benchmark) reads store_sales and item; q39 (the Spot drill's query) reads inventory, item,
-- warehouse and date_dim.
--
-- Columns and their order: TPC-DS specification, section 2 (logical schema), as written out in
-- hortonworks/hive-testbench ddl-tpcds/text/alltables.sql. Types follow the Parquet files that Spark's TPC-DS
-- generator (databricks/spark-sql-perf, the generator of the tutorial's s3a://autobots-tpcds-pregenerated-data/
-- spark/unpart_sf100_10k/ data set) writes: surrogate keys INT, money DECIMAL(7,2), CHAR/VARCHAR as STRING.
--
-- Variables (hive --hivevar name=value; prepare_data sets them):
--   database     Hive database to create the tables in (default in prepare_data: tpcds)
--   location     HDFS directory holding one sub-directory per table (default: hdfs:///tmp/tpcds, as the tutorial)
--   file_format  STORED AS format of the copied files (default: PARQUET)
CREATE DATABASE IF NOT EXISTS ${hivevar:database};
USE ${hivevar:database};

DROP TABLE IF EXISTS store_sales;
CREATE EXTERNAL TABLE store_sales (
    ss_sold_date_sk INT,
    ss_sold_time_sk INT,
    ss_item_sk INT,
    ss_customer_sk INT,
    ss_cdemo_sk INT,
    ss_hdemo_sk INT,
    ss_addr_sk INT,
    ss_store_sk INT,
    ss_promo_sk INT,
    ss_ticket_number BIGINT,
    ss_quantity INT,
    ss_wholesale_cost DECIMAL(7,2),
    ss_list_price DECIMAL(7,2),
    ss_sales_price DECIMAL(7,2),
    ss_ext_discount_amt DECIMAL(7,2),
    ss_ext_sales_price DECIMAL(7,2),
    ss_ext_wholesale_cost DECIMAL(7,2),
    ss_ext_list_price DECIMAL(7,2),
    ss_ext_tax DECIMAL(7,2),
    ss_coupon_amt DECIMAL(7,2),
    ss_net_paid DECIMAL(7,2),
    ss_net_paid_inc_tax DECIMAL(7,2),
    ss_net_profit DECIMAL(7,2)
)
STORED AS ${hivevar:file_format}
LOCATION '${hivevar:location}/store_sales';

DROP TABLE IF EXISTS item;
CREATE EXTERNAL TABLE item (
    i_item_sk INT,
    i_item_id STRING,
    i_rec_start_date DATE,
    i_rec_end_date DATE,
    i_item_desc STRING,
    i_current_price DECIMAL(7,2),
    i_wholesale_cost DECIMAL(7,2),
    i_brand_id INT,
    i_brand STRING,
    i_class_id INT,
    i_class STRING,
    i_category_id INT,
    i_category STRING,
    i_manufact_id INT,
    i_manufact STRING,
    i_size STRING,
    i_formulation STRING,
    i_color STRING,
    i_units STRING,
    i_container STRING,
    i_manager_id INT,
    i_product_name STRING
)
STORED AS ${hivevar:file_format}
LOCATION '${hivevar:location}/item';

DROP TABLE IF EXISTS date_dim;
CREATE EXTERNAL TABLE date_dim (
    d_date_sk INT,
    d_date_id STRING,
    d_date DATE,
    d_month_seq INT,
    d_week_seq INT,
    d_quarter_seq INT,
    d_year INT,
    d_dow INT,
    d_moy INT,
    d_dom INT,
    d_qoy INT,
    d_fy_year INT,
    d_fy_quarter_seq INT,
    d_fy_week_seq INT,
    d_day_name STRING,
    d_quarter_name STRING,
    d_holiday STRING,
    d_weekend STRING,
    d_following_holiday STRING,
    d_first_dom INT,
    d_last_dom INT,
    d_same_day_ly INT,
    d_same_day_lq INT,
    d_current_day STRING,
    d_current_week STRING,
    d_current_month STRING,
    d_current_quarter STRING,
    d_current_year STRING
)
STORED AS ${hivevar:file_format}
LOCATION '${hivevar:location}/date_dim';

DROP TABLE IF EXISTS inventory;
CREATE EXTERNAL TABLE inventory (
    inv_date_sk INT,
    inv_item_sk INT,
    inv_warehouse_sk INT,
    inv_quantity_on_hand INT
)
STORED AS ${hivevar:file_format}
LOCATION '${hivevar:location}/inventory';

DROP TABLE IF EXISTS warehouse;
CREATE EXTERNAL TABLE warehouse (
    w_warehouse_sk INT,
    w_warehouse_id STRING,
    w_warehouse_name STRING,
    w_warehouse_sq_ft INT,
    w_street_number STRING,
    w_street_name STRING,
    w_street_type STRING,
    w_suite_number STRING,
    w_city STRING,
    w_county STRING,
    w_state STRING,
    w_zip STRING,
    w_country STRING,
    w_gmt_offset DECIMAL(5,2)
)
STORED AS ${hivevar:file_format}
LOCATION '${hivevar:location}/warehouse';
