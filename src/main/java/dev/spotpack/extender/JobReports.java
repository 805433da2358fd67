package dev.spotpack.extender;

import dev.spotpack.cluster.ClusterSnapshot;
import dev.spotpack.policy.JobReport;
import dev.spotpack.policy.SpotPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * Per-job reports over the current snapshot, for {@code GET /debug/jobs} and for the gauge {@code
 * spotpack_job_max_spot_node_share{job}} (the largest share of a job's executors on any single
 * spot node: what one reclaimed node would cost it). Computed when asked, never on the request
 * path.
 *
 * <p>Thread-safe.
 */
public final class JobReports {
  private final SpotPolicy policy;
  private final ClusterSource cluster;
  private final MultiGauge maxSpotNodeShare;

  public JobReports(SpotPolicy policy, ClusterSource cluster, MeterRegistry registry) {
    this.policy = policy;
    this.cluster = cluster;
    this.maxSpotNodeShare = MultiGauge.builder("spotpack.job.max.spot.node.share")
        .description("Per job, the largest share of its executors on any single spot node")
        .register(registry);
  }

  public List<JobReport> all() {
    ClusterSnapshot snapshot = cluster.snapshot();
    // jobIds() is sorted, so the reports come out by job
    return snapshot.jobIds().stream()
        .map(job -> policy.report(job, snapshot.jobAnnotations(job), snapshot))
        .toList();
  }

  /** Refreshes the per-job gauge; called before each scrape. */
  public void publish() {
    maxSpotNodeShare.register(
        all().stream().map(r -> MultiGauge.Row.of(Tags.of("job", r.job()), r.maxSpotNodeShare())).toList(), true);
  }
}
