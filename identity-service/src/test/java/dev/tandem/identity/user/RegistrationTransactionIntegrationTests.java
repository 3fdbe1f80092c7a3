package dev.tandem.identity.user;

import dev.tandem.identity.IdentityIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user and its event are one transaction: when writing the event fails after the user row was inserted,
 * neither remains.
 */
@IdentityIntegrationTest
class RegistrationTransactionIntegrationTests {

	@Autowired
	Registration registration;

	@Autowired
	DatabaseClient database;

	@BeforeEach
	void failOutboxWritesForDoomedUsers() {
		database.sql("""
				create or replace function refuse_doomed() returns trigger language plpgsql as $$
				begin
				    if new.payload::jsonb ->> 'username' like 'doomed%' then
				        raise exception 'injected failure after the user insert';
				    end if;
				    return new;
				end;
				$$""").then().block();
		database.sql("create trigger refuse_doomed before insert on outbox for each row execute function refuse_doomed()")
			.then()
			.block();
	}

	@AfterEach
	void removeFault() {
		database.sql("drop trigger refuse_doomed on outbox").then().block();
	}

	@Test
	void leavesNeitherUserNorEventWhenTheEventCannotBeWritten() {
		String name = RegistrationIntegrationTests.unique("doomed");

		registration.register(new RegistrationRequest(name, name + "@example.com", "long enough password", "", "", null))
			.as(StepVerifier::create)
			.expectErrorMatches(error -> String.valueOf(error.getMessage()).contains("injected failure")
					|| String.valueOf(error.getCause()).contains("injected failure"))
			.verify();

		assertThat(database.sql("select count(*) from users where username = :name").bind("name", name)
			.map(row -> row.get(0, Long.class)).one().block()).isZero();
		assertThat(database.sql("select count(*) from outbox where payload::jsonb ->> 'username' = :name")
			.bind("name", name).map(row -> row.get(0, Long.class)).one().block()).isZero();
	}

	@Test
	void stillRegistersOtherUsersWhileTheFaultIsThere() {
		String name = RegistrationIntegrationTests.unique("lucky");

		registration.register(new RegistrationRequest(name, name + "@example.com", "long enough password", "", "", null))
			.as(StepVerifier::create)
			.assertNext(user -> assertThat(user.username()).isEqualTo(name))
			.verifyComplete();
	}
}
