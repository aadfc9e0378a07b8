-- The notes query_database shows the model (tools/query-database/reporting-views.ts must match them): the example
-- channel codes were not real codes (douyin, baidu_sem for douyin_ads, baidu_search), and the type list missed kol and organic.
COMMENT ON COLUMN reporting.channels.code IS 'short code, e.g. baidu_search, wechat_ads (SELECT code FROM reporting.channels lists them)';
COMMENT ON COLUMN reporting.channels.type IS 'search, social, short_video, email, display, video, affiliate, kol, offline, direct, organic';
