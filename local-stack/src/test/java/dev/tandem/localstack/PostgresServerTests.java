package dev.tandem.localstack;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresServerTests {

	@TempDir
	Path data;

	@Test
	void keepsDataAcrossARestart() throws Exception {
		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			commitAlice(postgres);
		}

		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			assertThat(survivors(postgres)).containsExactly("alice");
		}
	}

	@Test
	void keepsWhatItCommittedThroughACrash() throws Exception {
		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			commitAlice(postgres);
			postgres.crash();
		}

		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			assertThat(survivors(postgres)).containsExactly("alice");
		}
	}

	@Test
	void runsWithPostgresqlsDurableCommitSettings() throws Exception {
		try (PostgresServer postgres = PostgresServer.start(data, 0);
				Connection connection = connect(postgres.database("identity"))) {
			assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
			assertThat(setting(connection, "fsync")).isEqualTo("on");
		}
	}

	private static void commitAlice(PostgresServer postgres) throws Exception {
		try (Connection connection = connect(postgres.database("identity"));
				Statement statement = connection.createStatement()) {
			statement.execute("create table survivors (name text)");
			statement.execute("insert into survivors values ('alice')");
		}
	}

	private static List<String> survivors(PostgresServer postgres) throws Exception {
		List<String> names = new ArrayList<>();
		try (Connection connection = connect(postgres.database("identity"));
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select name from survivors")) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		return names;
	}

	private static String setting(Connection connection, String name) throws Exception {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select current_setting('" + name + "')")) {
			assertThat(rows.next()).isTrue();
			return rows.getString(1);
		}
	}

	private static Connection connect(PostgresServer.Database database) throws Exception {
		return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
	}
}
