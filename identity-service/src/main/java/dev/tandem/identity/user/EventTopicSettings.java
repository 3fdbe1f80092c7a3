package dev.tandem.identity.user;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The shape of the user-events topic, created when missing.
 *
 * @param partitions the upper bound on how many profile-service consumers work in parallel
 */
@ConfigurationProperties("tandem.events")
record EventTopicSettings(@DefaultValue("6") int partitions, @DefaultValue("1") short replicas) {
}
