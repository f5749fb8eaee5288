# The image the FlinkDeployments in jobs/k8s/ run (docs/DEPLOYMENT.md). Build the jar first; the tag is the pom's
# version (`java -jar target/dataflow-flink.jar --version`, the default image of `k8s`, docs/CHANGELOG.md):
#   mvn -B package -DskipTests && docker build -t dataflow-flink:0.1.0 .
# The Flink patch release the jar is built against (pom.xml's flink.version), Java 17 image: the jar is compiled for
# Java 17 (plain flink:1.20 is Java 11). ShadedJarITCase checks both against the pom.
FROM flink:1.20.5-java17

LABEL org.opencontainers.image.title="dataflow-flink"
LABEL org.opencontainers.image.version="0.1.0"

# The operator starts the job from local:///opt/flink/usrlib/dataflow-flink.jar (job.jarURI).
COPY --chown=flink:flink target/dataflow-flink.jar /opt/flink/usrlib/dataflow-flink.jar

# Checkpoints, savepoints and HA metadata go to s3:// paths: enable the S3 filesystem that the image ships in
# opt/ (filesystems are plugins and load only from plugins/).
# Metrics: flinkConfiguration names the jar's reporter (io.dataflow.flink.metrics.DataflowPrometheusReporterFactory,
# Flink's series plus the original's dataflow_* series, docs/OPERATIONS.md#metrics). Reporters load when the JobManager
# or TaskManager starts, from plugins/, and this one extends Flink's Prometheus reporter: a link to the jar beside
# Flink's reporter in plugins/metrics-prometheus/ makes one plugin of the two.
RUN mkdir -p /opt/flink/plugins/s3-fs-presto \
 && cp /opt/flink/opt/flink-s3-fs-presto-*.jar /opt/flink/plugins/s3-fs-presto/ \
 && ln -s /opt/flink/usrlib/dataflow-flink.jar /opt/flink/plugins/metrics-prometheus/dataflow-flink.jar

# The class-data archive beside the jar (docs/OPERATIONS.md#start-up-the-class-data-archive): every `java -jar … run --local` in the image (a
# DataFlowCron's run, which starts afresh each schedule) maps the job's classes from it instead of parsing them
# from the jars, about a third less CPU to start. Written here, in the image, because it holds only for the Java
# runtime and the exact jars (/opt/flink/lib) it was written with. No server needed; if it cannot be written, the
# image is still built and jobs start without it.
RUN java -jar /opt/flink/usrlib/dataflow-flink.jar class-archive \
 || echo "warning: no class-data archive in the image; jobs start without it"
