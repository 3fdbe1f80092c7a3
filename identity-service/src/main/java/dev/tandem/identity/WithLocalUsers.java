package dev.tandem.identity;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * A bean that exists only while identity-service keeps the users itself ({@code tandem.identity.provider=local}, the
 * default): its token endpoint, keys, refresh tokens, first admin and import.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnProperty(name = "tandem.identity.provider", havingValue = "local", matchIfMissing = true)
public @interface WithLocalUsers {
}
