<?xml version="1.0" encoding="UTF-8"?>
<!--
  ocf-refentry.xsl: an OCF agent's meta-data (`AGENT meta-data`) as a
  DocBook refentry, which docbook-xsl's manpages stylesheet turns into
  ocf_ferry_AGENT.7 (see the Makefile's man target). Everything the page
  says about parameters and actions comes from the meta-data, so the page
  cannot drift from the agent. The approach is resource-agents' (its
  ra2refentry.xsl); this stylesheet is ferry's own.

  Parameters (xsltproc stringparam):
    version   ferry's version (debian/changelog)
    date      the page's date, YYYY-MM-DD (reproducible builds)
    clone     non-empty: the agent runs as a clone, the examples clone it
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="version"/>
  <xsl:param name="date"/>
  <xsl:param name="clone"/>
  <xsl:param name="provider">ferry</xsl:param>

  <xsl:variable name="agent" select="/resource-agent/@name"/>
  <xsl:variable name="title" select="concat('ocf_', $provider, '_', $agent)"/>
  <xsl:variable name="type" select="concat('ocf:', $provider, ':', $agent)"/>
  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <xsl:variable name="id" select="concat('ferry-', translate($agent, $upper, $lower))"/>
  <xsl:variable name="migrates"
                select="/resource-agent/actions/action[@name = 'migrate_to' or @name = 'migrate_from']"/>
  <xsl:variable name="nl" select="'&#10;'"/>

  <xsl:template match="/resource-agent">
    <refentry id="{$title}">
      <refentryinfo>
        <date><xsl:value-of select="$date"/></date>
        <productname>ferry</productname>
        <productnumber><xsl:value-of select="$version"/></productnumber>
        <corpauthor>the ferry authors</corpauthor>
      </refentryinfo>
      <refmeta>
        <refentrytitle><xsl:value-of select="$title"/></refentrytitle>
        <manvolnum>7</manvolnum>
        <refmiscinfo class="source">ferry</refmiscinfo>
        <refmiscinfo class="version"><xsl:value-of select="$version"/></refmiscinfo>
        <refmiscinfo class="manual">OCF resource agents</refmiscinfo>
      </refmeta>
      <refnamediv>
        <refname><xsl:value-of select="$title"/></refname>
        <refpurpose><xsl:value-of select="normalize-space(shortdesc)"/></refpurpose>
      </refnamediv>
      <refsynopsisdiv>
        <cmdsynopsis>
          <command><xsl:value-of select="$agent"/></command>
          <group choice="req">
            <xsl:for-each select="actions/action[not(@name = preceding-sibling::action/@name)]">
              <arg choice="plain"><xsl:value-of select="@name"/></arg>
            </xsl:for-each>
          </group>
        </cmdsynopsis>
      </refsynopsisdiv>
      <refsection>
        <title>Description</title>
        <xsl:call-template name="paragraphs">
          <xsl:with-param name="text" select="longdesc"/>
        </xsl:call-template>
        <xsl:if test="$migrates">
          <para>The agent migrates live: set the meta attribute
          <literal>allow-migrate=true</literal> on the resource, and Pacemaker
          moves it with migrate_to on the source and migrate_from on the target
          instead of a stop and a start.</para>
        </xsl:if>
        <para>The agent is <literal><xsl:value-of select="$type"/></literal>: it is
        installed as <filename>/usr/lib/ocf/resource.d/<xsl:value-of
        select="concat($provider, '/', $agent)"/></filename>.</para>
      </refsection>
      <refsection>
        <title>Supported Parameters</title>
        <xsl:choose>
          <xsl:when test="parameters/parameter">
            <variablelist>
              <xsl:apply-templates select="parameters/parameter"/>
            </variablelist>
          </xsl:when>
          <xsl:otherwise><para>None.</para></xsl:otherwise>
        </xsl:choose>
      </refsection>
      <refsection>
        <title>Supported Actions</title>
        <variablelist>
          <xsl:apply-templates select="actions/action"/>
        </variablelist>
        <para>Pacemaker does not take timeouts from an agent's meta-data: give
        each operation its timeout in the configuration, as the examples
        below do.</para>
      </refsection>
      <refsection>
        <title>Example: crm shell</title>
        <para>The following configures a <xsl:value-of select="$agent"/> resource with
        <citerefentry><refentrytitle>crm</refentrytitle><manvolnum>8</manvolnum></citerefentry>
        (<command>crm configure edit</command>, or <command>crm configure load update
        FILE</command>):</para>
        <programlisting><xsl:call-template name="crm"/></programlisting>
      </refsection>
      <refsection>
        <title>Example: pcs</title>
        <para>The same resource with
        <citerefentry><refentrytitle>pcs</refentrytitle><manvolnum>8</manvolnum></citerefentry>:</para>
        <programlisting><xsl:call-template name="pcs"/></programlisting>
        <para>Replace the capitalised values; add the optional parameters this
        setup needs (see Supported Parameters above).</para>
      </refsection>
      <refsection>
        <title>See Also</title>
        <para>
          <citerefentry><refentrytitle>ferryctl</refentrytitle><manvolnum>8</manvolnum></citerefentry>,
          <citerefentry><refentrytitle>ferryd</refentrytitle><manvolnum>8</manvolnum></citerefentry>,
          <citerefentry><refentrytitle>crm</refentrytitle><manvolnum>8</manvolnum></citerefentry>,
          <citerefentry><refentrytitle>pcs</refentrytitle><manvolnum>8</manvolnum></citerefentry>,
          <citerefentry><refentrytitle>drbdadm</refentrytitle><manvolnum>8</manvolnum></citerefentry>,
          <citerefentry><refentrytitle>xl</refentrytitle><manvolnum>1</manvolnum></citerefentry>.
          ferry's README (<filename>/usr/share/doc/ferry/README.md.gz</filename>) explains how
          the agents work; <filename>/usr/share/doc/ferry/examples/</filename> holds a whole
          two-node cluster in crm shell, pcs and CIB XML.
        </para>
      </refsection>
    </refentry>
  </xsl:template>

  <!-- One paragraph for each block of text between blank lines. -->
  <xsl:template name="paragraphs">
    <xsl:param name="text"/>
    <xsl:variable name="gap" select="concat($nl, $nl)"/>
    <xsl:variable name="first">
      <xsl:choose>
        <xsl:when test="contains($text, $gap)"><xsl:value-of select="substring-before($text, $gap)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="normalize-space($first) != ''">
      <para><xsl:value-of select="normalize-space($first)"/></para>
    </xsl:if>
    <xsl:if test="contains($text, $gap)">
      <xsl:call-template name="paragraphs">
        <xsl:with-param name="text" select="substring-after($text, $gap)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template match="parameter">
    <varlistentry>
      <term><option><xsl:value-of select="@name"/></option></term>
      <listitem>
        <para><emphasis><xsl:value-of select="normalize-space(shortdesc)"/></emphasis></para>
        <xsl:call-template name="paragraphs">
          <xsl:with-param name="text" select="longdesc"/>
        </xsl:call-template>
        <para>
          <xsl:text>(</xsl:text>
          <xsl:choose>
            <xsl:when test="@required = '1'">required</xsl:when>
            <xsl:otherwise>optional</xsl:otherwise>
          </xsl:choose>
          <xsl:if test="@unique = '1'">, unique</xsl:if>
          <xsl:if test="content/@type">
            <xsl:text>, </xsl:text>
            <xsl:value-of select="content/@type"/>
          </xsl:if>
          <xsl:choose>
            <xsl:when test="content/@default != ''">
              <xsl:text>, default </xsl:text>
              <literal><xsl:value-of select="content/@default"/></literal>
            </xsl:when>
            <xsl:otherwise>, no default</xsl:otherwise>
          </xsl:choose>
          <xsl:text>)</xsl:text>
        </para>
      </listitem>
    </varlistentry>
  </xsl:template>

  <xsl:template match="action">
    <varlistentry>
      <term>
        <option><xsl:value-of select="@name"/></option>
        <xsl:if test="@depth and @depth != '0'"> (depth <xsl:value-of select="@depth"/>)</xsl:if>
      </term>
      <listitem>
        <para>
          <xsl:choose>
            <xsl:when test="@name = 'start'">Starts the resource on this node.</xsl:when>
            <xsl:when test="@name = 'stop'">Stops the resource on this node; succeeds where nothing of it runs.</xsl:when>
            <xsl:when test="@name = 'monitor' or @name = 'status'">Reports whether the resource runs on this node, and whether it is healthy.</xsl:when>
            <xsl:when test="@name = 'migrate_to'">Run on the source node: moves the resource live to the node Pacemaker names as the migration target.</xsl:when>
            <xsl:when test="@name = 'migrate_from'">Run on the target node after migrate_to: checks that the resource arrived and runs here.</xsl:when>
            <xsl:when test="@name = 'validate-all'">Checks the parameters, and what they name on this node.</xsl:when>
            <xsl:when test="@name = 'meta-data'">Prints the agent's meta-data, from which this page is made.</xsl:when>
            <xsl:otherwise>The <xsl:value-of select="@name"/> action.</xsl:otherwise>
          </xsl:choose>
          <xsl:if test="@timeout"> Suggested timeout: <xsl:value-of select="@timeout"/>.</xsl:if>
          <xsl:if test="@interval and @interval != '0' and @interval != '0s'"> Suggested interval: <xsl:value-of select="@interval"/>.</xsl:if>
        </para>
      </listitem>
    </varlistentry>
  </xsl:template>

  <!-- The operations an example configures: every action Pacemaker runs
       on its own, with the suggested timeout (and interval). -->
  <xsl:template name="ops">
    <xsl:param name="sep"/>
    <xsl:for-each select="actions/action[@name = 'start' or @name = 'stop' or @name = 'monitor'
                          or @name = 'migrate_to' or @name = 'migrate_from']">
      <xsl:value-of select="$sep"/>
      <xsl:text>op </xsl:text>
      <xsl:value-of select="@name"/>
      <xsl:if test="@interval and @interval != '0' and @interval != '0s'">
        <xsl:text> interval=</xsl:text><xsl:value-of select="@interval"/>
      </xsl:if>
      <xsl:if test="@timeout">
        <xsl:text> timeout=</xsl:text><xsl:value-of select="@timeout"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- NAME=VALUE for every required parameter (its default, else its name
       in capitals). -->
  <xsl:template name="required">
    <xsl:param name="sep"/>
    <xsl:for-each select="parameters/parameter[@required = '1']">
      <xsl:value-of select="$sep"/>
      <xsl:value-of select="@name"/>
      <xsl:text>=</xsl:text>
      <xsl:choose>
        <xsl:when test="content/@default != ''"><xsl:value-of select="content/@default"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="translate(@name, $lower, $upper)"/></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="crm">
    <xsl:value-of select="concat('primitive ', $id, ' ', $type)"/>
    <xsl:if test="parameters/parameter[@required = '1']">
      <xsl:text> \&#10;    params</xsl:text>
      <xsl:call-template name="required"><xsl:with-param name="sep" select="' '"/></xsl:call-template>
    </xsl:if>
    <xsl:if test="$migrates">
      <xsl:text> \&#10;    meta allow-migrate=true</xsl:text>
    </xsl:if>
    <xsl:call-template name="ops"><xsl:with-param name="sep" select="' \&#10;    '"/></xsl:call-template>
    <xsl:if test="$clone != ''">
      <xsl:value-of select="concat($nl, 'clone ', $id, '-clone ', $id, ' \', $nl, '    meta interleave=true')"/>
    </xsl:if>
  </xsl:template>

  <xsl:template name="pcs">
    <xsl:value-of select="concat('pcs resource create ', $id, ' ', $type)"/>
    <xsl:call-template name="required"><xsl:with-param name="sep" select="' \&#10;    '"/></xsl:call-template>
    <xsl:if test="$migrates">
      <xsl:text> \&#10;    meta allow-migrate=true</xsl:text>
    </xsl:if>
    <xsl:call-template name="ops"><xsl:with-param name="sep" select="' \&#10;    '"/></xsl:call-template>
    <xsl:if test="$clone != ''">
      <xsl:value-of select="concat(' \', $nl, '    clone ', $id, '-clone interleave=true')"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
