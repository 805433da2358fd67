package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.policy.JobReport;
import dev.spotpack.policy.SpotPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-job reports over the current snapshot, for {@code GET /debug/jobs} and for the gauges {@code
 * spotpack_job_max_spot_node_share{job}} and {@code spotpack_job_max_spot_pool_share{job}} (the
 * largest share of a job's executors on any single spot node, and on the spot nodes of any one
 * capacity pool: what one reclaimed node, or one correlated reclaim, would cost it). Computed when
 * asked, never on the request path.
 *
 * <p>Thread-safe.
 */
public final class JobReports {
  private static final Logger LOG = LoggerFactory.getLogger(JobReports.class);

  private final SpotPolicy policy;
  private final ClusterSource cluster;
  private final MultiGauge maxSpotNodeShare;
  private final MultiGauge maxSpotPoolShare;
  private final AtomicInteger withoutPoolLabels = new AtomicInteger();

  public JobReports(SpotPolicy policy, ClusterSource cluster, MeterRegistry registry) {
    this.policy = policy;
    this.cluster = cluster;
    this.maxSpotNodeShare =
        MultiGauge.builder("spotpack.job.max.spot.node.share")
            .description("Per job, the largest share of its executors on any single spot node")
            .register(registry);
    this.maxSpotPoolShare =
        MultiGauge.builder("spotpack.job.max.spot.pool.share")
            .description(
                "Per job, the largest share of its executors on the spot nodes of any one capacity"
                    + " pool")
            .register(registry);
    Gauge.builder("spotpack.spot.nodes.without.pool.labels", withoutPoolLabels, AtomicInteger::get)
        .description("Spot nodes without one of spot.poolLabels: each counts as a pool of its own")
        .register(registry);
  }

  /** What {@code GET /debug/jobs} shows. */
  public record Overview(List<JobReport> jobs, int spotNodesWithoutPoolLabels) {}

  public Overview overview() {
    ClusterSnapshot snapshot = cluster.snapshot();
    // jobIds() is sorted, so the reports come out by job
    List<JobReport> jobs =
        snapshot.jobIds().stream()
            .map(job -> policy.report(job, snapshot.jobAnnotations(job), snapshot))
            .toList();
    int without = policy.spotNodesWithoutPoolLabels(snapshot.allNodes());
    int before = withoutPoolLabels.getAndSet(without);
    if (without != before && without > 0) {
      LOG.warn(
          "{} spot nodes lack one of the pool labels {}: each is a pool of its own, so the per-pool"
              + " cap cannot bound what a correlated reclaim takes from them",
          without,
          policy.config().spotNodes().poolLabels());
    }
    return new Overview(jobs, without);
  }

  public List<JobReport> all() {
    return overview().jobs();
  }

  /** Refreshes the per-job gauges; called before each scrape. */
  public void publish() {
    List<JobReport> reports = all();
    maxSpotNodeShare.register(
        reports.stream()
            .map(r -> MultiGauge.Row.of(Tags.of("job", r.job()), r.maxSpotNodeShare()))
            .toList(),
        true);
    maxSpotPoolShare.register(
        reports.stream()
            .map(r -> MultiGauge.Row.of(Tags.of("job", r.job()), r.maxSpotPoolShare()))
            .toList(),
        true);
  }
}
