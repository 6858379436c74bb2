import { randomBytes } from 'node:crypto';

/**
 * A combined broker + controller on loopback. Static voters (controller.quorum.voters) keep the
 * controller address out of the formatted metadata, so the ports can change between runs.
 * @param {{ host: string, port: number, controllerPort: number, dataDir: string }} o
 */
export function serverProperties({ host, port, controllerPort, dataDir }) {
  const lines = [
    '# Written by tools/kafka-local on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${escapeValue(dataDir)}`,
    // Topics are created through the admin API only, with the partitions and config their owner chose.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    // One node: every internal topic must have replication factor 1, or the coordinators never load.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'share.coordinator.state.topic.num.partitions=1',
    // A consumer group's first rebalance would otherwise wait 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // After a SIGKILL the restored controller still holds the dead broker's session: registration
    // fails until it expires (default 9 s). Broker and controller share one process, so shorter is safe.
    'broker.heartbeat.interval.ms=1000',
    'broker.session.timeout.ms=4000',
    '',
  ];
  return lines.join('\n');
}

/**
 * Log4j 2 (properties syntax: needs no parser beyond log4j-core) writing the broker's log to a file.
 * @param {{ logFile: string }} o
 */
export function log4j2Properties({ logFile }) {
  return [
    'status = warn',
    // Rolled at 50 MB, three old files kept: a broker left running for days must not fill the disk.
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    `appender.file.fileName = ${escapeValue(logFile)}`,
    `appender.file.filePattern = ${escapeValue(logFile)}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 50MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    // These two repeat every config value and every partition state change at INFO.
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    '',
  ].join('\n');
}

/**
 * A cluster id as Kafka's `Uuid.randomUuid()` makes it: 16 random bytes, unpadded base64url, never
 * starting with "-" (it would read as a command-line flag) and never the all-zero id.
 */
export function newClusterId() {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    if (!id.startsWith('-') && bytes.some((b) => b !== 0)) return id;
  }
}

/** @param {string} value */
function escapeValue(value) {
  return value.replace(/\\/g, '\\\\');
}
