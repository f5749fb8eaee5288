package io.dataflow.flink.connector.iceberg;

import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration behind Iceberg's {@code HadoopFileIO} and Parquet: only what local (file://) warehouses
 * need, without Hadoop's defaults files, its file-system service list or its file-system cache.
 */
public final class IcebergHadoop {

    private IcebergHadoop() {
    }

    public static Configuration configuration() {
        Configuration conf = new Configuration(false);
        // The connector's own class loader, not the task thread's (Flink closes that one when the job ends).
        conf.setClassLoader(IcebergHadoop.class.getClassLoader());
        // The jar leaves out HDFS and with it Hadoop's list of file systems: name the local one directly.
        conf.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
        // Hadoop's file-system cache registers a JVM shutdown hook that outlives the job's class loader and fails
        // at exit in local mode; a local file system is cheap to create per use.
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }
}
