package dev.tandem.profile.profiles;

import dev.tandem.events.profile.ProfileEvents;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Declares the topic profile events are published on; the outbox relay creates it before its first publish.
 */
@Configuration(proxyBeanMethods = false)
class ProfileEventTopic {

	@Bean
	NewTopic profileEvents(TopicSettings settings) {
		return TopicBuilder.name(ProfileEvents.TOPIC).partitions(settings.partitions()).replicas(settings.replicas()).build();
	}

	@ConfigurationProperties("tandem.events")
	record TopicSettings(@DefaultValue("6") int partitions, @DefaultValue("1") short replicas) {
	}
}
