package dev.tandem.profile.reconciliation;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reconciliation for admins (the security rules require the admin role).
 */
@RestController
@RequestMapping("/api/admin/reconciliation")
class ReconciliationController {

	private final Reconciliation reconciliation;

	ReconciliationController(Reconciliation reconciliation) {
		this.reconciliation = reconciliation;
	}

	/** Reports the drift and changes nothing. */
	@GetMapping
	Mono<ReconciliationReport> report() {
		return reconciliation.run(false);
	}

	/** Reports the drift and, with {@code repair=true}, repairs it. */
	@PostMapping
	Mono<ReconciliationReport> reconcile(@RequestParam(defaultValue = "false") boolean repair) {
		return reconciliation.run(repair);
	}
}
