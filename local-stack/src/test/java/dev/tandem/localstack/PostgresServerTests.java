package dev.tandem.localstack;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresServerTests {

	@TempDir
	Path data;

	@Test
	void keepsDataAcrossARestart() throws Exception {
		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			PostgresServer.Database database = postgres.database("identity");
			try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
				statement.execute("create table survivors (name text)");
				statement.execute("insert into survivors values ('alice')");
			}
		}

		try (PostgresServer postgres = PostgresServer.start(data, 0)) {
			PostgresServer.Database database = postgres.database("identity");
			try (Connection connection = connect(database); Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select name from survivors")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("alice");
			}
		}
	}

	private static Connection connect(PostgresServer.Database database) throws Exception {
		return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
	}
}
