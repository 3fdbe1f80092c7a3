package dev.tandem.identity.user;

import dev.tandem.events.user.UserEvents;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Declares the topic user events are published on.
 */
@Configuration(proxyBeanMethods = false)
class EventTopics {

	@Bean
	NewTopic userEvents(EventTopicSettings settings) {
		return TopicBuilder.name(UserEvents.TOPIC).partitions(settings.partitions()).replicas(settings.replicas()).build();
	}
}
