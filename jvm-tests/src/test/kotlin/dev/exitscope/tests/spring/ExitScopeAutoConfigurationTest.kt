// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests.spring

import dev.exitscope.ExitScope
import dev.exitscope.spring.boot.ExitScopeAutoConfiguration
import dev.exitscope.spring.boot.ExitScopeProperties
import dev.exitscope.spring.boot.internal.ConnectionCloseFilter
import dev.exitscope.spring.boot.internal.InFlightConnections
import dev.exitscope.spring.boot.internal.PreWait
import dev.exitscope.spring.boot.internal.ReadinessSwitch
import dev.exitscope.spring.boot.internal.TomcatIdleConnections
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.apache.catalina.startup.Tomcat
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration
import org.springframework.boot.availability.ApplicationAvailability
import org.springframework.boot.availability.AvailabilityChangeEvent
import org.springframework.boot.availability.ReadinessState
import org.springframework.boot.test.context.FilteredClassLoader
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.boot.test.context.runner.WebApplicationContextRunner
import org.springframework.context.ApplicationContext
import org.springframework.core.Ordered
import java.time.Duration

private val autoConfiguration = AutoConfigurations.of(ExitScopeAutoConfiguration::class.java)

private inline fun <reified T> ApplicationContext.beans(): Int = getBeanNamesForType(T::class.java).size

/** Every message of [failure] and its causes, one per line: where a binding error names the property. */
private fun messages(failure: Throwable?): String = generateSequence(failure) { it.cause }.joinToString("\n") { it.message.orEmpty() }

/**
 * The auto-configuration's wiring, in process with Spring Boot's ApplicationContextRunner (the exit
 * itself: SpringBootExitTest, in child JVMs): which beans exist where, how the settings bind and
 * fail, and that a context started without SpringApplication registers nothing at exit.
 */
class ExitScopeAutoConfigurationTest : FunSpec({
  val runner = ApplicationContextRunner().withConfiguration(autoConfiguration)
  val webRunner = WebApplicationContextRunner().withConfiguration(autoConfiguration)

  test("binds the defaults: the bridge on, no pre-wait, the close timeout and the deadline left to exitscope") {
    runner.run { context ->
      val properties = context.getBean(ExitScopeProperties::class.java)
      properties.deadline().shouldBeNull()
      properties.spring().enabled() shouldBe true
      properties.spring().preWait() shouldBe Duration.ZERO
      properties.spring().closeTimeout().shouldBeNull()
      context.beans<ReadinessSwitch>() shouldBe 1
      context.beans<PreWait>() shouldBe 1
    }
  }

  test("binds Spring Boot's duration forms under exitscope.") {
    runner
      .withPropertyValues("exitscope.deadline=PT25S", "exitscope.spring.pre-wait=1500ms", "exitscope.spring.close-timeout=20s")
      .run { context ->
        val properties = context.getBean(ExitScopeProperties::class.java)
        properties.deadline() shouldBe Duration.ofSeconds(25)
        properties.spring().preWait() shouldBe Duration.ofMillis(1500)
        properties.spring().closeTimeout() shouldBe Duration.ofSeconds(20)
      }
  }

  test("exitscope.spring.enabled=false backs off entirely") {
    runner.withPropertyValues("exitscope.spring.enabled=false").run { context ->
      context.startupFailure.shouldBeNull()
      context.beans<ExitScopeProperties>() shouldBe 0
      context.beans<ReadinessSwitch>() shouldBe 0
      context.beans<PreWait>() shouldBe 0
    }
  }

  context("a bad value fails the start, naming the property") {
    for ((setting, named) in listOf(
      "exitscope.spring.pre-wait=-1s" to "exitscope.spring.pre-wait must not be negative",
      "exitscope.spring.close-timeout=0s" to "exitscope.spring.close-timeout must be positive",
      "exitscope.deadline=-5s" to "exitscope.deadline must be positive",
      "exitscope.spring.pre-wait=soon" to "exitscope.spring.pre-wait",
    )) {
      test(setting) {
        runner.withPropertyValues(setting).run { context ->
          messages(context.startupFailure.shouldNotBeNull()) shouldContain named
        }
      }
    }
  }

  test("a servlet web application gets the Connection: close filter, first in the chain, and Tomcat's idle-connection closing") {
    webRunner.run { context ->
      context.getBean(ConnectionCloseFilter::class.java).order shouldBe Ordered.HIGHEST_PRECEDENCE
      context.beans<InFlightConnections>() shouldBe 1
      context.beans<TomcatIdleConnections>() shouldBe 1
    }
  }

  test("a servlet application on another container gets the filter without Tomcat's part") {
    webRunner.withClassLoader(FilteredClassLoader(Tomcat::class.java)).run { context ->
      context.beans<ConnectionCloseFilter>() shouldBe 1
      context.beans<TomcatIdleConnections>() shouldBe 0
    }
  }

  test("an application that is no web application gets neither") {
    runner.run { context ->
      context.beans<ConnectionCloseFilter>() shouldBe 0
      context.beans<TomcatIdleConnections>() shouldBe 0
    }
  }

  test("the readiness switch turns Spring Boot's ApplicationAvailability, which Actuator's probe reads, to REFUSING_TRAFFIC") {
    runner.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration::class.java)).run { context ->
      val availability = context.getBean(ApplicationAvailability::class.java)
      val readiness = context.getBean(ReadinessSwitch::class.java)
      AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC) // as SpringApplication does when ready
      availability.readinessState shouldBe ReadinessState.ACCEPTING_TRAFFIC
      readiness.isRefusingTraffic shouldBe false
      readiness.refuseTraffic()
      availability.readinessState shouldBe ReadinessState.REFUSING_TRAFFIC
      readiness.isRefusingTraffic shouldBe true
    }
  }

  test("a context started without SpringApplication, as in tests, registers nothing with the global scope, even with a pre-wait") {
    val before = ExitScope.global().size()
    webRunner.withPropertyValues("exitscope.spring.pre-wait=5s").run { context ->
      context.beans<PreWait>() shouldBe 1
      ExitScope.global().size() shouldBe before
    }
    ExitScope.global().size() shouldBe before
  }
})
