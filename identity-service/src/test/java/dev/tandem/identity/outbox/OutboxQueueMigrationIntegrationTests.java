package dev.tandem.identity.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tandem.localstack.PostgresServer;
import dev.tandem.localstack.SharedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database of the release that marked outbox rows published keeps every event through the migration to the queue:
 * what was unpublished is queued, what was published is not sent again, and events written afterwards are queued.
 */
class OutboxQueueMigrationIntegrationTests {

	private final PostgresServer.Database database = SharedPostgres.newDatabase("identity_migration");

	@Test
	// A migration waiting on a lock would hang the build rather than fail it.
	@Timeout(120)
	void queuesTheUnpublishedEventsOfTheReleaseBefore() throws SQLException {
		migrateTo("7");
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.executeUpdate(insert("published-1", "now()"));
			statement.executeUpdate(insert("waiting-1", "null"));
			statement.executeUpdate(insert("published-2", "now()"));
			statement.executeUpdate(insert("waiting-2", "null"));
		}

		migrateTo("latest");

		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			assertThat(queuedKeys(statement)).containsExactly("waiting-1", "waiting-2");
			statement.executeUpdate("insert into outbox (event_id, topic, message_key, event_type, source, subject, "
					+ "occurred_at, payload) values (gen_random_uuid(), 'identity.user-events', 'written-after', "
					+ "'dev.tandem.identity.user.created.v1', '/identity-service', 'written-after', now(), '{}')");
			assertThat(queuedKeys(statement)).containsExactly("waiting-1", "waiting-2", "written-after");
			try (ResultSet rows = statement.executeQuery("select count(*) from outbox")) {
				rows.next();
				assertThat(rows.getLong(1)).isEqualTo(5);
			}
		}
	}

	private void migrateTo(String target) {
		Flyway.configure()
			.dataSource(database.jdbcUrl(), database.username(), database.password())
			.locations("classpath:db/migration")
			// As the service runs Flyway: V10 builds an index concurrently, which a lock held in a transaction blocks.
			.configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
			.target(target)
			.load()
			.migrate();
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
	}

	/** An outbox row as the release before wrote it, published or not. */
	private static String insert(String key, String publishedAt) {
		return "insert into outbox (event_id, topic, message_key, event_type, source, subject, occurred_at, payload, "
				+ "published_at) values (gen_random_uuid(), 'identity.user-events', '" + key
				+ "', 'dev.tandem.identity.user.created.v1', '/identity-service', '" + key + "', now(), '{}', "
				+ publishedAt + ")";
	}

	private static List<String> queuedKeys(Statement statement) throws SQLException {
		List<String> keys = new ArrayList<>();
		try (ResultSet rows = statement.executeQuery(
				"select o.message_key from outbox_pending p join outbox o on o.position = p.position order by p.position")) {
			while (rows.next()) {
				keys.add(rows.getString(1));
			}
		}
		return keys;
	}
}
