// Envoy in the loop, the pure parts: the table of Envoy's local replies and their classification
// (core/envoy_reply), the admin /stats body both ways (wire/envoy_admin), and the target's
// cluster and its counters around a run (core/envoy_cluster).
#include <gtest/gtest.h>

#include "loadgen/core/envoy_cluster.hpp"
#include "loadgen/core/envoy_reply.hpp"
#include "loadgen/wire/echo_params.hpp"
#include "loadgen/wire/envoy_admin.hpp"
#include "loadgen/wire/response_parser.hpp"

namespace loadgen {
namespace {

// ---- the table ---------------------------------------------------------------------------------

TEST(envoy_reply, every_entry_is_classified_as_itself) {
  for (const envoy_reply& e : envoy_replies()) {
    EXPECT_EQ(classify_envoy_reply(e.status, e.header == "x-envoy-overloaded", e.header == "x-envoy-ratelimited", e.body),
              e.reason)
        << e.name;
    EXPECT_EQ(envoy_reply_named(e.name)->reason, e.reason) << e.name;
    EXPECT_EQ(envoy_reason_key(e.reason), e.name);
    EXPECT_FALSE(e.label.empty());
    EXPECT_LE(e.body.size(), envoy_body_prefix_max);
  }
}

TEST(envoy_reply, the_words_envoy_writes) {
  // A breaker's overflow says it twice: the header, and the reset reason.
  EXPECT_EQ(classify_envoy_reply(503, true, false, ""), envoy_reason::overflow);
  EXPECT_EQ(classify_envoy_reply(503, false, false,
                                 "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
            envoy_reason::overflow);
  // Newer Envoys, after retries, and with the transport's own reason.
  EXPECT_EQ(classify_envoy_reply(503, false, false,
                                 "upstream connect error or disconnect/reset before headers. retried and the latest "
                                 "reset reason: connection failure, transport failure reason: delayed connect error: 111"),
            envoy_reason::connection_failure);
  EXPECT_EQ(classify_envoy_reply(503, false, false,
                                 "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
            envoy_reason::connection_termination);
  EXPECT_EQ(classify_envoy_reply(503, false, false, "upstream connect error or disconnect/reset before headers. reset reason: remote reset"),
            envoy_reason::remote_reset);
  EXPECT_EQ(classify_envoy_reply(503, false, false, "upstream connect error or disconnect/reset before headers. reset reason: something new"),
            envoy_reason::upstream_reset);
  EXPECT_EQ(classify_envoy_reply(503, false, false, "no healthy upstream"), envoy_reason::no_healthy_upstream);
  EXPECT_EQ(classify_envoy_reply(504, false, false, "upstream request timeout"), envoy_reason::upstream_timeout);
  EXPECT_EQ(classify_envoy_reply(429, true, true, "local_rate_limited"), envoy_reason::overflow);  // the header first
  EXPECT_EQ(classify_envoy_reply(429, false, true, "local_rate_limited"), envoy_reason::local_rate_limited);
  EXPECT_EQ(classify_envoy_reply(429, false, true, ""), envoy_reason::rate_limited);
}

TEST(envoy_reply, the_applications_own_and_statuses_not_classified) {
  EXPECT_EQ(classify_envoy_reply(503, false, false, ""), envoy_reason::application);
  EXPECT_EQ(classify_envoy_reply(503, false, false, "Service Unavailable"), envoy_reason::application);
  EXPECT_EQ(classify_envoy_reply(500, false, false, "there is no healthy upstream"), envoy_reason::application);  // not how Envoy starts
  EXPECT_EQ(classify_envoy_reply(429, false, false, "slow down"), envoy_reason::application);
  EXPECT_EQ(classify_envoy_reply(200, true, true, "no healthy upstream"), envoy_reason::none);
  EXPECT_EQ(classify_envoy_reply(404, false, false, ""), envoy_reason::none);
  EXPECT_EQ(classify_envoy_reply(-1, false, false, ""), envoy_reason::none);
}

TEST(envoy_reply, names_and_aliases_for_the_rehearsal_server) {
  EXPECT_EQ(envoy_reply_named("timeout")->reason, envoy_reason::upstream_timeout);
  EXPECT_EQ(envoy_reply_named("ratelimited")->reason, envoy_reason::rate_limited);
  EXPECT_FALSE(envoy_reply_named("nope"));
  EXPECT_EQ(envoy_reason_label(envoy_reason::application), "application");
  EXPECT_EQ(envoy_reason_key(envoy_reason::none), "");
}

TEST(envoy_reply, the_echo_server_answers_each_reason) {
  const percent_draw never = [] { return 99.0; };
  for (const envoy_reply& e : envoy_replies()) {
    const auto planned = plan_echo("envoy=" + std::string(e.name), {}, false, never);
    ASSERT_TRUE(std::holds_alternative<echo_plan>(planned)) << e.name;
    const echo_plan& p = std::get<echo_plan>(planned);
    EXPECT_EQ(p.status, e.status);
    EXPECT_TRUE(p.envoy_reply);
    EXPECT_EQ(p.envoy_body, e.body);
    if (!e.header.empty()) {
      ASSERT_EQ(p.headers.size(), 1u);
      EXPECT_EQ(p.headers[0].first, e.header);
    }
  }
  const auto bad = plan_echo("envoy=nope", {}, false, never);
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_EQ(std::get<std::string>(bad).rfind("bad envoy parameter: unknown reason \"nope\" (want one of overflow connection_failure ", 0), 0u)
      << std::get<std::string>(bad);
}

// ---- what the client keeps of an answer --------------------------------------------------------

TEST(envoy_reply, the_parser_keeps_the_first_bytes_of_a_5xx_only) {
  response_parser p;
  const std::string body = "upstream connect error or disconnect/reset before headers. reset reason: overflow";
  const std::string overflow = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: " + std::to_string(body.size()) +
                               "\r\nx-envoy-overloaded: true\r\nx-envoy-ratelimited: true\r\n\r\n" + body;
  p.reset();
  for (char c : overflow) p.feed(&c, 1);  // byte by byte: the prefix is stitched
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.body_prefix(), body);
  EXPECT_TRUE(p.envoy_overloaded());
  EXPECT_TRUE(p.envoy_ratelimited());
  const std::string chunked = "HTTP/1.1 503 x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nno \r\n10\r\nhealthy upstream\r\n0\r\n\r\n";
  p.reset();
  p.feed(chunked.data(), chunked.size());
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.body_prefix(), "no healthy upstream");
  EXPECT_FALSE(p.envoy_ratelimited());
  const std::string ok = "HTTP/1.1 200 OK\r\ncontent-length: 19\r\n\r\nno healthy upstream";
  p.reset();
  p.feed(ok.data(), ok.size());
  EXPECT_EQ(p.body_prefix(), "");
  const std::string big = "HTTP/1.1 500 x\r\ncontent-length: 1000\r\n\r\n" + std::string(1000, 'x');
  p.reset();
  p.feed(big.data(), big.size());
  EXPECT_EQ(p.body_prefix().size(), envoy_body_prefix_max);
}

// ---- the admin /stats --------------------------------------------------------------------------

// As Envoy 1.2x prints /stats: counters and gauges as "name: value", histograms as quantile
// lines, Istio's cluster names with '|', and stats of other kinds around them.
constexpr const char* envoy_text = R"(cluster.outbound|8000||httpbin.default.svc.cluster.local.circuit_breakers.default.cx_open: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.circuit_breakers.default.remaining_pending: 1
cluster.outbound|8000||httpbin.default.svc.cluster.local.circuit_breakers.default.rq_open: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.circuit_breakers.default.rq_pending_open: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.outlier_detection.ejections_enforced_total: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_cx_overflow: 4
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_cx_total: 3
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_503: 2
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_5xx: 2
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_pending_overflow: 21
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_pending_total: 5
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_retry_overflow: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_timeout: 0
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_total: 11
cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total: 7
cluster.outbound|8000||sleep.default.svc.cluster.local.upstream_rq_total: 1
cluster.xds-grpc.upstream_cx_total: 1
cluster_manager.active_clusters: 14
server.live: 1
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_time: P0(nan,1.0) P25(nan,1.025) P50(nan,1.05) P75(nan,1.075) P90(nan,1.09) P95(nan,1.095) P99(nan,1.099) P99.5(nan,1.0995) P99.9(nan,1.0999) P100(nan,1.1)
cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_cx_length_ms: No recorded values
)";

TEST(envoy_admin, text_stats_counters_and_gauges_histograms_skipped) {
  const auto s = parse_envoy_stats(envoy_text);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->at("cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_pending_overflow"), 21);
  EXPECT_EQ(s->at("server.live"), 1);
  EXPECT_EQ(s->count("cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_time"), 0u);
  EXPECT_EQ(s->count("cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_cx_length_ms"), 0u);
  EXPECT_EQ(envoy_clusters(*s),
            (std::vector<std::string>{"outbound|8000||httpbin.default.svc.cluster.local",
                                      "outbound|8000||sleep.default.svc.cluster.local",
                                      "outbound|9080||reviews.default.svc.cluster.local", "xds-grpc"}));
}

TEST(envoy_admin, json_stats_and_both_forms_round_trip) {
  const std::string json = R"({"stats":[{"name":"cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_total","value":11},
    {"name":"cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_pending_overflow","value":21},
    {"name":"server.version","value":"1.2.3"},
    {"histograms":{"supported_quantiles":[0,25],"computed_quantiles":[{"name":"cluster.x.upstream_rq_time","values":[]}]}}]})";
  const auto s = parse_envoy_stats(json);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 2u);
  EXPECT_EQ(s->at("cluster.outbound|8000||httpbin.default.svc.cluster.local.upstream_rq_total"), 11);
  EXPECT_EQ(parse_envoy_stats(format_envoy_stats_text(*s)), s);
  EXPECT_EQ(parse_envoy_stats(format_envoy_stats_json(*s)), s);
}

TEST(envoy_admin, garbage_is_not_stats) {
  EXPECT_FALSE(parse_envoy_stats(""));
  EXPECT_FALSE(parse_envoy_stats("<html><body>404 page not found</body></html>"));
  EXPECT_FALSE(parse_envoy_stats("{\"not\": \"stats\"}"));
  EXPECT_FALSE(parse_envoy_stats("{broken"));
  EXPECT_FALSE(parse_envoy_stats(std::string("\x00\x01\xff garbage", 12)));
}

// ---- the target's cluster and what moved -------------------------------------------------------

TEST(envoy_cluster, the_targets_cluster_by_istios_naming) {
  const envoy_stats s = *parse_envoy_stats(envoy_text);
  const std::string httpbin = "outbound|8000||httpbin.default.svc.cluster.local";
  EXPECT_EQ(pick_envoy_cluster(s, "httpbin.default.svc.cluster.local", 8000, "").first, httpbin);
  EXPECT_EQ(pick_envoy_cluster(s, "httpbin", 8000, "").first, httpbin);  // the short name
  EXPECT_EQ(pick_envoy_cluster(s, "reviews", 9080, "").first, "outbound|9080||reviews.default.svc.cluster.local");
  EXPECT_EQ(pick_envoy_cluster(s, "10.0.0.7", 9080, "").first, "outbound|9080||reviews.default.svc.cluster.local");  // the only one on 9080
  const auto ambiguous = pick_envoy_cluster(s, "10.0.0.7", 8000, "");
  EXPECT_FALSE(ambiguous.first);
  EXPECT_EQ(ambiguous.second, "2 clusters match 10.0.0.7:8000 (outbound|8000||httpbin.default.svc.cluster.local, ...): give -envoy-cluster");
  EXPECT_EQ(pick_envoy_cluster(s, "x", 1, "").second, "no cluster for x:1 in the admin /stats (none named outbound|1||...; give -envoy-cluster)");
  EXPECT_EQ(pick_envoy_cluster(s, "x", 1, "xds-grpc").first, "xds-grpc");
  EXPECT_EQ(pick_envoy_cluster(s, "x", 1, "nope").second, "no cluster named \"nope\" in the admin /stats (4 clusters)");
  EXPECT_EQ(pick_envoy_cluster({}, "x", 1, "").second, "the admin /stats lists no cluster");
}

TEST(envoy_cluster, delta_of_the_tracked_counters_and_the_gauges_after) {
  const envoy_stats after = *parse_envoy_stats(envoy_text);
  envoy_stats before = after;
  const std::string p = "cluster.outbound|8000||httpbin.default.svc.cluster.local.";
  before[p + "upstream_rq_pending_overflow"] = 2;
  before[p + "upstream_rq_total"] = 0;
  const envoy_cluster_delta d = envoy_delta(before, after, "outbound|8000||httpbin.default.svc.cluster.local");
  EXPECT_EQ(d.delta_of("upstream_rq_pending_overflow"), 19);
  EXPECT_EQ(d.delta_of("upstream_rq_total"), 11);
  EXPECT_EQ(d.delta_of("upstream_cx_overflow"), 0);
  EXPECT_TRUE(d.moved());
  ASSERT_EQ(d.delta.size(), 9u);  // every tracked counter the fixture has
  EXPECT_EQ(d.delta.front().first, "upstream_rq_pending_overflow");
  EXPECT_EQ(d.gauges, (std::vector<std::pair<std::string, std::int64_t>>{{"circuit_breakers.default.cx_open", 0},
                                                                          {"circuit_breakers.default.remaining_pending", 1},
                                                                          {"circuit_breakers.default.rq_open", 0},
                                                                          {"circuit_breakers.default.rq_pending_open", 0}}));
}

TEST(envoy_cluster, the_run_story_and_its_notices) {
  const envoy_stats s = *parse_envoy_stats(envoy_text);
  const auto ok = envoy_around_run("http://a", s, "", s, "", "httpbin", 8000, "");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->cluster, "outbound|8000||httpbin.default.svc.cluster.local");
  EXPECT_FALSE(ok->moved());
  const auto failed = envoy_around_run("http://a", std::nullopt, "cannot read http://a/stats: refused", std::nullopt, "", "h", 1, "");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->notice, "cannot read http://a/stats: refused");
  EXPECT_TRUE(failed->cluster.empty());
  EXPECT_FALSE(envoy_around_run("http://a", std::nullopt, "", std::nullopt, "", "h", 1, ""));  // auto, absent: silence
  const auto after_failed = envoy_around_run("http://a", s, "", std::nullopt, "slow", "h", 1, "");
  EXPECT_EQ(after_failed->notice, "slow");
}

}  // namespace
}  // namespace loadgen
